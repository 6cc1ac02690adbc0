"""The editorial workflow: the only code that changes an article's state.

    草稿 draft ──submit──▶ 审核中 review (stage 1 … N: 初审, 复审, 终审)
      ▲                    │ approve: next stage; at the last, publish now or at a time
      └──────return────────┤ return: back to draft, with a comment
                           ▼
                  已发布 published (定时发布 while publish_at is in the future)
                           │ withdraw (reason required)
                           ▼
                  已撤稿 withdrawn ──restore──▶ draft

Live copy changes only by publishing. An edit to a published story is a pending revision
(修改稿): a row of its own (``revision_of`` the live story), written and reviewed like a
draft, entering review at NEWSROOM_REVISION_STAGE (终审 by default), while readers keep the
live text. Publishing the revision copies its text, links and photos into the live story
(same id, URL and dates) and closes it as 已签发并入原稿; discarding it closes it as 已放弃.

Every transition checks the actor's permission, refuses an invalid move with a message in
Chinese (`WorkflowError`), runs in one transaction on a locked row, bumps the article's
version and writes a `WorkflowEvent`. A transition is taken from the state the actor saw:
if someone else moved the story first, or (given ``seen_version``) changed its text since
the actor opened it, it is refused. A refused transition changes nothing.
"""

import dataclasses
import datetime

from django.db import transaction
from django.utils import timezone

from . import notifications
from .diff import article_rows
from .generation import one_bump
from .models import (
    CONTENT_FIELDS,
    OPEN_STATES,
    Action,
    Article,
    Correction,
    Photo,
    State,
    WorkflowEvent,
    display_name,
)  # fmt: skip
from .roles import revision_stage, stage_count, stage_name, stage_permission
from .search import update_search_vector
from .selectors import approvals_this_round

# A time typed into the form for "now" may be up to a minute old when it arrives: within
# this it means now; further in the past it is refused (never a silent backdate).
PAST_GRACE = datetime.timedelta(seconds=60)


class WorkflowError(Exception):
    """A transition that may not happen; the message says why, in Chinese."""


class StaleVersion(WorkflowError):
    """The story changed after the actor opened it: they would approve text they never saw.
    ``seen`` and ``current`` are the two versions, for showing the difference."""

    def __init__(self, message, *, article, seen, current):
        super().__init__(message)
        self.article, self.seen, self.current = article, seen, current


def _is_own(article, user):
    return article.author_id is not None and article.author_id == user.pk


def _may_edit(article, user):
    if article.is_revision:  # changes to a live story are the editors' to make
        return user.has_perm("articles.edit_any_article")
    return user.has_perm("articles.edit_any_article") or (
        _is_own(article, user) and user.has_perm("articles.change_article")
    )


def may_change(article, user):
    """Whether ``user`` may edit ``article``'s text now. Editors and above edit any story
    (a published one through its revision); a reporter edits their own while it is a
    draft. A closed revision (published into its story, or discarded) is a record."""
    if article.is_revision and article.state not in OPEN_STATES:
        return False
    if user.has_perm("articles.edit_any_article"):
        return True
    return (
        not article.is_revision
        and _is_own(article, user)
        and user.has_perm("articles.change_article")
        and article.state == State.DRAFT
    )


def state_label(article):
    """The state as the desk says it: 修改稿·审核中·终审, 定时发布, 草稿…"""
    label = article.status_label
    if article.state == State.REVIEW:
        label = f"{label}·{stage_name(article.review_stage)}"
    return f"修改稿·{label}" if article.is_revision else label


# -- Checks: each raises WorkflowError, or returns when the move is allowed ------------------


def check_submit(article, user):
    if article.state != State.DRAFT:
        raise WorkflowError(f"只有草稿可以送审，此稿件状态为“{article.status_label}”。")
    if not user.has_perm("articles.submit_article") or not _may_edit(article, user):
        raise WorkflowError("您没有送审此稿件的权限。")


def _check_another_reviewer(article, user):
    if approvals_this_round(user).filter(article=article).exists():
        raise WorkflowError(
            "三审须由不同的人完成：您已审核通过本稿的上一阶段，请由其他审稿人继续。"
        )


def check_approve(article, user):
    if article.state != State.REVIEW:
        raise WorkflowError(f"只有审核中的稿件可以审核通过，此稿件状态为“{article.status_label}”。")
    if not user.has_perm(stage_permission(article.review_stage)):
        raise WorkflowError(f"您没有{stage_name(article.review_stage)}的权限。")
    if _is_own(article, user):
        raise WorkflowError("不能审核自己撰写的稿件。")
    _check_another_reviewer(article, user)


def check_return(article, user):
    if article.state != State.REVIEW:
        raise WorkflowError(f"只有审核中的稿件可以退回，此稿件状态为“{article.status_label}”。")
    if not user.has_perm(stage_permission(article.review_stage)):
        raise WorkflowError(f"您没有{stage_name(article.review_stage)}的权限，不能退回。")


def check_publish(article, user):
    final = article.state == State.REVIEW and article.review_stage == stage_count()
    if not (final or article.is_scheduled):
        raise WorkflowError("只有处于终审阶段的稿件或定时发布的稿件可以签发。")
    if not user.has_perm("articles.publish_article"):
        raise WorkflowError("只有总编辑可以签发或定时发布。")
    if _is_own(article, user):
        raise WorkflowError("不能签发自己撰写的稿件。")
    if final:  # 签发 at 终审 is the last stage's decision
        _check_another_reviewer(article, user)


def check_withdraw(article, user):
    if article.state != State.PUBLISHED:
        raise WorkflowError(f"只有已发布的稿件可以撤稿，此稿件状态为“{article.status_label}”。")
    if not user.has_perm("articles.withdraw_article"):
        raise WorkflowError("只有总编辑可以撤稿。")


def check_restore(article, user):
    if article.state != State.WITHDRAWN or article.is_revision:
        raise WorkflowError(f"只有已撤稿的稿件可以恢复，此稿件状态为“{article.status_label}”。")
    if not user.has_perm("articles.withdraw_article"):
        raise WorkflowError("只有总编辑可以恢复撤下的稿件。")


def check_correct(article, user):
    if article.state != State.PUBLISHED:
        raise WorkflowError("只有已发布的稿件可以发布更正。")
    if not user.has_perm("articles.correct_article"):
        raise WorkflowError("您没有发布更正的权限。")


def check_revise(article, user):
    """Whether ``user`` may write a pending revision of the published story ``article``."""
    if article.state != State.PUBLISHED or article.is_revision:
        raise WorkflowError("只有已发布（或定时发布）的稿件需要建立修改稿。")
    if not user.has_perm("articles.edit_any_article"):
        raise WorkflowError("您没有修改已发布稿件的权限。")


def check_discard(article, user):
    if not article.is_revision or article.state not in OPEN_STATES:
        raise WorkflowError("只有未签发的修改稿可以放弃。")
    if not user.has_perm("articles.edit_any_article"):
        raise WorkflowError("您没有放弃此修改稿的权限。")


# In the order the desk shows the moves: the one forward first (at 终审 that is 签发), then
# the way back, then the rest.
CHECKS = {
    Action.SUBMIT: check_submit,
    Action.APPROVE: check_approve,
    Action.PUBLISH: check_publish,
    Action.RETURN: check_return,
    Action.WITHDRAW: check_withdraw,
    Action.RESTORE: check_restore,
    Action.CORRECT: check_correct,
    Action.DISCARD: check_discard,
}


# Steps that need a comment, reason or text, and what to say without one.
NEEDS_COMMENT = {
    Action.RETURN: "退回稿件必须填写退回意见。",
    Action.WITHDRAW: "撤稿必须填写原因。",
    Action.CORRECT: "更正内容不能为空。",
}


def _publish_time(at, article):
    """``at`` (None: now) as the time to publish ``article``, or a WorkflowError: a time in
    the past is refused (within PAST_GRACE it means now), and a revision is published at
    once or not at all."""
    now = timezone.now()
    at = at or now
    if not isinstance(at, datetime.datetime) or timezone.is_naive(at):
        raise WorkflowError("发布时间无效。")
    if at < now - PAST_GRACE:
        when = timezone.localtime(at)
        raise WorkflowError(
            f"定时发布时间 {when:%Y-%m-%d %H:%M} 已经过去。请填写将来的时间，或留空立即签发。"
        )
    at = max(at, now)
    if article.is_revision and at > now:
        raise WorkflowError("修改稿签发后立即替换已发布的内容，不能定时发布。")
    return at


def check(action, *, article, by, comment="", at=None):
    """Raise WorkflowError if ``by`` may not take ``action`` on ``article`` with this
    comment and time, exactly as the transition would; change nothing. For forms that
    save an editor's text and take a step together: checked before the text is saved."""
    if action not in CHECKS:
        raise WorkflowError("未知的操作。")
    CHECKS[action](article, by)
    if action in NEEDS_COMMENT and not comment.strip():
        raise WorkflowError(NEEDS_COMMENT[action])
    final = article.state == State.REVIEW and article.review_stage == stage_count()
    if at is not None:
        if action not in (Action.APPROVE, Action.PUBLISH) or (
            action == Action.APPROVE and not final
        ):
            raise WorkflowError("只有终审通过或签发时可以定时发布；请清空定时发布时间。")
        _publish_time(at, article)


def available_actions(article, user):
    """The transitions ``user`` may take on ``article`` now, in display order."""
    allowed = []
    for action, check in CHECKS.items():
        try:
            check(article, user)
        except WorkflowError:
            continue
        if action == Action.PUBLISH and article.is_revision:
            continue  # a revision is published by approving its last stage
        allowed.append(action)
    return allowed


def action_label(action, article):
    """A move as the desk names it for ``article``: 初审通过, 签发修改稿…"""
    if action == Action.APPROVE and article.state == State.REVIEW:
        if article.is_revision and article.review_stage == stage_count():
            return "签发修改稿"
        return f"{stage_name(article.review_stage)}通过"
    if action == Action.RETURN and article.state == State.REVIEW:
        return f"{stage_name(article.review_stage)}退回"
    return Action(action).label


def step_label(event):
    """A step taken, as the desk names it in timelines and notices: 送审, 初审通过, 复审退回,
    签发… (an approval records the stage it entered; a return, the stage it left)."""
    if event.action == Action.APPROVE and event.stage > 1:
        return f"{stage_name(event.stage - 1)}通过"
    if event.action == Action.RETURN and event.stage:
        return f"{stage_name(event.stage)}退回"
    return event.get_action_display()


# -- Transitions ---------------------------------------------------------------------------


class RevisionOpen(WorkflowError):
    """Edits to a live story would go into its revision, and one is already open."""

    def __init__(self, message, *, revision):
        super().__init__(message)
        self.revision = revision


def lock_for_edit(article, *, seen_version, edits):
    """The story's row, locked until the transaction ends, for a save of edits made to
    ``seen_version`` (``edits``: whether anything was changed): refused (StaleVersion) when
    the story changed since, and (RevisionOpen) when the edits of a live story would go into
    a revision while another is open. A concurrent save waits, then sees the new version."""
    fresh = Article.objects.select_for_update().get(pk=article.pk)
    if seen_version != fresh.version:
        raise StaleVersion(
            "此稿件已被他人修改。", article=fresh, seen=seen_version, current=fresh.version
        )
    if edits and fresh.state == State.PUBLISHED:
        revision = fresh.open_revision()
        if revision is not None:
            raise RevisionOpen("此稿件已有一份未签发的修改稿。", revision=revision)
    return fresh


def _lock(article, *, seen_version=None, action=None):
    """The article's row, locked, as it is now; refused when it is no longer in the state
    the caller saw (someone else moved it first: a double click, two reviewers at once), or
    when its text changed since ``seen_version``."""
    fresh = Article.objects.select_for_update().get(pk=article.pk)
    if (fresh.state, fresh.review_stage) != (article.state, article.review_stage):
        raise WorkflowError(
            f"此稿件刚刚已被他人处理，现为“{state_label(fresh)}”，您的操作没有执行。"
        )
    if seen_version is not None and fresh.version != seen_version:
        last = fresh.history.select_related("history_user").first()
        who = display_name(last.history_user) if last else "他人"
        when = timezone.localtime(fresh.updated_at)
        label = Action(action).label if action else "操作"
        raise StaleVersion(
            f"您打开稿件后，{who} 于 {when:%Y-%m-%d %H:%M} 修改了稿件"
            f"（第 {seen_version} 版 → 第 {fresh.version} 版），{label}没有执行。"
            "请查看改动后再操作。",
            article=fresh,
            seen=seen_version,
            current=fresh.version,
        )
    return fresh


def _event(
    article, *, by, action, from_state, comment="", publish_at=None, created_at=None, stage=None
):
    return WorkflowEvent.objects.create(
        article=article,
        actor=by,
        action=action,
        from_state=from_state,
        to_state=article.state,
        stage=article.review_stage if stage is None else stage,
        comment=comment,
        publish_at=publish_at,
        version=article.version,
        **({"created_at": created_at} if created_at else {}),
    )


def _transition(
    action, *, article, by, to_state, stage, comment="", publish_at=None, seen_version=None
):
    """Lock the row, re-check on fresh data, apply, log the event. Saving bumps the version,
    so an editor holding the story open is told it changed."""
    with transaction.atomic():
        fresh = _lock(article, seen_version=seen_version, action=action)
        CHECKS[Action.PUBLISH if action == Action.SCHEDULE else action](fresh, by)
        from_state, from_stage = fresh.state, fresh.review_stage
        fresh.state = to_state
        fresh.review_stage = stage
        if publish_at is not None:
            fresh.publish_at = publish_at
            already_live = fresh.first_published_at and fresh.first_published_at <= timezone.now()
            if not already_live:
                fresh.first_published_at = publish_at
        fresh._history_user = by
        fresh._change_reason = Action(action).label
        fresh.save()
        event = _event(
            fresh, by=by, action=action, from_state=from_state, comment=comment,
            publish_at=publish_at,
            # A return records the stage it came back from (复审退回); a move on, the stage
            # it entered.
            stage=from_stage if action == Action.RETURN else None,
        )  # fmt: skip
    article.refresh_from_db()
    return event


def article_submit(*, article, by, comment="", seen_version=None):
    """Send a draft to review: a new story to the first stage, a revision of a live story
    to NEWSROOM_REVISION_STAGE."""
    stage = revision_stage() if article.is_revision else 1
    event = _transition(
        Action.SUBMIT, article=article, by=by, to_state=State.REVIEW, stage=stage,
        comment=comment, seen_version=seen_version,
    )  # fmt: skip
    notifications.waiting(article, stage)
    return event


def article_approve(*, article, by, comment="", at=None, seen_version=None):
    """Pass the current stage: on to the next, or, at the last, publish now, or at ``at``
    when given (scheduled). ``seen_version`` is the version the reviewer was shown: an
    approval of text that changed since is refused (StaleVersion)."""
    check(Action.APPROVE, article=article, by=by, comment=comment, at=at)
    if article.review_stage < stage_count():
        stage = article.review_stage + 1
        event = _transition(
            Action.APPROVE,
            article=article,
            by=by,
            to_state=State.REVIEW,
            stage=stage,
            comment=comment,
            seen_version=seen_version,
        )
        notifications.waiting(article, stage)
        return event
    return article_publish(
        article=article, by=by, at=at, comment=comment, seen_version=seen_version
    )


def article_return(*, article, by, comment, seen_version=None):
    """Send a story in review back to its author as a draft; the comment says why."""
    check(Action.RETURN, article=article, by=by, comment=comment)
    stage = article.review_stage
    event = _transition(
        Action.RETURN, article=article, by=by, to_state=State.DRAFT, stage=0, comment=comment,
        seen_version=seen_version,
    )  # fmt: skip
    notifications.returned(article, by, stage, comment)
    return event


def article_publish(*, article, by, at=None, comment="", seen_version=None):
    """Publish now, or schedule for ``at`` (goes live by itself: no cron). A time in the
    past is refused. A story that was live before (restored after a withdrawal) is, with
    no time given, published at its first publication time. A revision is published into
    its live story, at once."""
    first = article.first_published_at
    if at is None and not article.is_revision and first is not None and first <= timezone.now():
        at = first  # back after a withdrawal: the story keeps its date, not today's news
    else:
        at = _publish_time(at, article)
    if article.is_revision:
        return _publish_revision(article=article, by=by, comment=comment, seen_version=seen_version)
    action = Action.SCHEDULE if at > timezone.now() else Action.PUBLISH
    event = _transition(
        action,
        article=article,
        by=by,
        to_state=State.PUBLISHED,
        stage=0,
        comment=comment,
        publish_at=at,
        seen_version=seen_version,
    )
    notifications.published(article, by)
    return event


def article_withdraw(*, article, by, reason, seen_version=None):
    """Take a published story down; it stays in the archive with its history. Its open
    revision, if any, is discarded: a change to text readers no longer see would otherwise
    land on whatever the story becomes if it is restored and rewritten."""
    check(Action.WITHDRAW, article=article, by=by, comment=reason)
    with transaction.atomic():
        event = _transition(
            Action.WITHDRAW, article=article, by=by, to_state=State.WITHDRAWN, stage=0,
            comment=reason, seen_version=seen_version,
        )  # fmt: skip
        for revision in Article.objects.select_for_update().filter(
            revision_of=article.pk, state__in=OPEN_STATES
        ):
            from_state = revision.state
            revision.state, revision.review_stage = State.WITHDRAWN, 0
            revision._history_user = by
            revision._change_reason = "原稿撤稿，修改稿随之放弃"
            revision.save()
            _event(revision, by=by, action=Action.DISCARD, from_state=from_state,
                   comment=revision._change_reason)  # fmt: skip
    return event


def article_restore(*, article, by, comment="", seen_version=None):
    """Bring a withdrawn story back as a draft, to go through review again."""
    return _transition(
        Action.RESTORE, article=article, by=by, to_state=State.DRAFT, stage=0, comment=comment,
        seen_version=seen_version,
    )  # fmt: skip


def article_correct(*, article, by, text, seen_version=None):
    """Add a correction, shown under the published story with its time."""
    check(Action.CORRECT, article=article, by=by, comment=text)
    with transaction.atomic():
        event = _transition(
            Action.CORRECT, article=article, by=by, to_state=State.PUBLISHED, stage=0,
            comment=text, seen_version=seen_version,
        )  # fmt: skip
        Correction.objects.create(
            article_id=article.pk, text=text, created_by=by, created_at=event.created_at
        )
    return event


# -- Pending revisions of live stories -----------------------------------------------------


def _copy_links(source, target):
    target.agencies.set(source.agencies.all())
    target.officers.set(source.officers.all())
    target.tags.set(list(source.tags.all()))


def article_start_revision(*, article, by):
    """The open revision of the published story ``article``, begun now by ``by`` (a copy of
    its text, links and photos) when there is none. The revision keeps the story's author:
    whoever may sign the story may sign changes to it, and its writer may not. Returns
    ``(revision, photos)``: ``photos`` maps each live photo's id to its copy in a new
    revision (None for one that already existed)."""
    check_revise(article, by)
    with transaction.atomic(), one_bump():
        live = Article.objects.select_for_update().get(pk=article.pk)
        check_revise(live, by)
        existing = live.open_revision()
        if existing is not None:
            return existing, None
        revision, photos = _copy_of(
            live, by=by, reason=f"修改稿：源自已发布稿件（版本 {live.version}）"
        )
        _event(revision, by=by, action=Action.REVISE, from_state=State.DRAFT,
               comment=f"源自已发布稿件 #{live.pk}")  # fmt: skip
        _event(live, by=by, action=Action.REVISE, from_state=live.state,
               comment=f"修改稿 #{revision.pk}")  # fmt: skip
    return revision, photos


@dataclasses.dataclass
class PhotoEdit:
    """One photo's edit from the desk: ``photo`` the live photo's id (None for a new one),
    ``delete``, and the fields changed (caption, credit, alt_text, position, image)."""

    photo: int | None
    delete: bool = False
    values: dict = dataclasses.field(default_factory=dict)


def article_save_as_revision(*, article, by, content, links, photo_edits=()):
    """Edits to the published story ``article``, saved into its pending revision (修改稿),
    begun now, and never into the story: readers see them only once the revision is
    published. ``content`` holds the CONTENT_FIELDS (and slug), ``links`` the agencies,
    officers and tags, ``photo_edits`` PhotoEdits of the live photos. Refused when another
    revision is open (begun meanwhile by someone else: never written over)."""
    with transaction.atomic(), one_bump():
        revision, photos = article_start_revision(article=article, by=by)
        if photos is None:
            raise WorkflowError("此稿件刚刚有了一份修改稿，请在修改稿中修改。")
        for name, value in content.items():
            setattr(revision, name, value)
        revision._history_user = by
        revision._change_reason = "修改已发布稿件"
        revision.save()
        revision.agencies.set(links["agencies"])
        revision.officers.set(links["officers"])
        revision.tags.set(list(links["tags"]))
        for edit in photo_edits:
            target = Photo(article=revision) if edit.photo is None else photos.get(edit.photo)
            if target is None:
                continue  # a photo added to the live story after the revision began
            if edit.delete:
                if target.pk:
                    target.delete()
                continue
            for name, value in edit.values.items():
                setattr(target, name, value)
            target.full_clean(exclude=["article"])
            target.save()
    return revision


def _copy_of(live, *, by, reason, content=None):
    """A new draft revision of the locked story ``live``: its text (with ``content`` put
    over it), links and photos (the files shared). Returns ``(revision, photos)``, photos
    mapping each live photo's id to its copy."""
    revision = Article(
        revision_of=live, author=live.author, state=State.DRAFT, slug=live.slug,
        **{field: getattr(live, field) for field in CONTENT_FIELDS} | (content or {}),
    )  # fmt: skip
    revision._history_user = by
    revision._change_reason = reason
    revision.save()
    _copy_links(live, revision)
    photos = {
        photo.pk: Photo.objects.create(
            article=revision, image_id=photo.image_id, caption=photo.caption,
            credit=photo.credit, alt_text=photo.alt_text, position=photo.position,
        )
        for photo in live.photos.all()
    }  # fmt: skip
    return revision, photos


def _publish_revision(*, article, by, comment="", seen_version=None):
    """Publish a revision into its live story: its text, links and photos replace the live
    ones under the same id, URL and dates; the revision is closed (已签发并入原稿)."""
    with transaction.atomic(), one_bump():
        revision = _lock(article, seen_version=seen_version, action=Action.PUBLISH_REVISION)
        check_publish(revision, by)
        live = Article.objects.select_for_update().get(pk=revision.revision_of_id)
        if live.state != State.PUBLISHED:
            raise WorkflowError(
                f"原稿现为“{live.status_label}”，修改稿不能签发；请放弃它，在原稿中修改。"
            )
        changed = [label for label, _lines in article_rows(live, revision)]
        for field in [*CONTENT_FIELDS, "slug"]:
            setattr(live, field, getattr(revision, field))
        _copy_links(revision, live)
        live.photos.all().delete()  # the pictures stay in the library: the revision uses them
        revision.photos.update(article=live)
        summary = f"修改稿 #{revision.pk}：" + ("、".join(changed) if changed else "内容未变")
        live._history_user = by
        live._change_reason = f"签发{summary}"
        live.save()  # re-renders the body and re-indexes the text, if it changed
        update_search_vector(live)  # the captions came with the photos (no signal)
        _event(live, by=by, action=Action.PUBLISH_REVISION, from_state=live.state,
               comment=f"{summary}{'；' + comment if comment else ''}")  # fmt: skip
        from_state = revision.state
        revision.state = State.MERGED
        revision.review_stage = 0
        revision._history_user = by
        revision._change_reason = Action.PUBLISH_REVISION.label
        revision.save()
        event = _event(revision, by=by, action=Action.PUBLISH_REVISION, from_state=from_state,
                       comment=comment)  # fmt: skip
        notifications.published(live, by)
    article.refresh_from_db()
    return event


def article_discard_revision(*, article, by, comment="", seen_version=None):
    """Close a revision without publishing it; the live story stays as it is."""
    return _transition(
        Action.DISCARD, article=article, by=by, to_state=State.WITHDRAWN, stage=0,
        comment=comment, seen_version=seen_version,
    )  # fmt: skip


# -- History -------------------------------------------------------------------------------


def article_revert(*, article, by, record):
    """Bring back the content of an earlier version (a HistoricalArticle). The workflow
    fields stay as they are: reverting never publishes or unpublishes anything. On a
    published story the old content goes into its revision (begun when there is none), to
    be published like any other change; returns the event, whose article is the one that
    changed."""
    if record.id != article.pk:
        raise WorkflowError("该历史版本不属于此稿件。")
    target = article
    if article.state == State.PUBLISHED:
        target, _photos = article_start_revision(article=article, by=by)
    with transaction.atomic():
        fresh = Article.objects.select_for_update().get(pk=target.pk)
        if not _may_edit(fresh, by) or fresh.state == State.MERGED:
            raise WorkflowError("您没有修改此稿件的权限。")
        for field in CONTENT_FIELDS:
            setattr(fresh, field, getattr(record, field))
        fresh._history_user = by
        when = timezone.localtime(record.history_date)
        fresh._change_reason = f"恢复到 {when:%Y-%m-%d %H:%M:%S} 的版本"
        fresh.save()
        event = _event(fresh, by=by, action=Action.REVERT, from_state=fresh.state,
                       comment=fresh._change_reason)  # fmt: skip
    article.refresh_from_db()
    return event


# -- System steps (the page importer) ------------------------------------------------------


def article_log_import(*, article, by, comment):
    """Record that the importer (``by``: the importing user or the system account) wrote
    ``article``'s text from a page."""
    return _event(article, by=by, action=Action.IMPORT, from_state=article.state,
                  comment=comment, created_at=article.updated_at)  # fmt: skip


def article_publish_printed(*, article, at, by):
    """Publish a story that the page importer brought in from a printed page: it went
    through review on paper, so this is a system step with no reviewer. Only drafts."""
    with transaction.atomic():
        fresh = Article.objects.select_for_update().get(pk=article.pk)
        if fresh.state != State.DRAFT:
            raise WorkflowError(f"只有草稿可以随版面发布，此稿件状态为“{fresh.status_label}”。")
        fresh.state = State.PUBLISHED
        fresh.review_stage = 0
        fresh.publish_at = at
        fresh.first_published_at = fresh.first_published_at or at
        fresh._history_user = by
        fresh._change_reason = "随版面发布"
        fresh.save(keep_timestamps=True)
        _event(fresh, by=by, action=Action.PUBLISH, from_state=State.DRAFT,
               comment="随版面导入发布", publish_at=at, created_at=at)  # fmt: skip
    article.refresh_from_db()


def article_revise_from_import(*, article, by, content, comment):
    """Bring a re-imported page's new text for the published story ``article`` in as a
    revision, sent straight to review at NEWSROOM_REVISION_STAGE (a system step: the page
    is the author). Refused while an editor has a revision of it open."""
    with transaction.atomic(), one_bump():
        live = Article.objects.select_for_update().get(pk=article.pk)
        if live.open_revision() is not None:
            raise WorkflowError(f"《{live.title}》已有一份未签发的修改稿，请先签发或放弃它。")
        revision, _photos = _copy_of(live, by=by, reason=comment, content=content)
        _event(revision, by=by, action=Action.IMPORT, from_state=State.DRAFT, comment=comment)
        revision.state = State.REVIEW
        revision.review_stage = revision_stage()
        revision._history_user = by
        revision._change_reason = Action.SUBMIT.label
        revision.save()
        _event(revision, by=by, action=Action.SUBMIT, from_state=State.DRAFT, comment=comment)
        _event(live, by=by, action=Action.REVISE, from_state=live.state,
               comment=f"修改稿 #{revision.pk}（{comment}）")  # fmt: skip
    notifications.waiting(revision, revision.review_stage)
    return revision
