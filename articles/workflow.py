"""The editorial workflow: the only code that changes an article's state.

    草稿 draft ──submit──▶ 审核中 review (stage 1 … N: 初审, 复审, 终审)
      ▲                    │ approve: next stage; at the last, publish (or schedule)
      └──────return────────┤ return: back to draft, with a comment
                           ▼
                  已发布 published (定时发布 while publish_at is in the future)
                           │ withdraw (reason required)
                           ▼
                  已撤稿 withdrawn ──restore──▶ draft

Every transition checks the actor's permission, refuses an invalid move with a message in
Chinese (`WorkflowError`), runs in one transaction on a locked row, bumps the article's
version and writes a `WorkflowEvent`. A refused transition changes nothing.
"""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import Action, Article, Correction, State, WorkflowEvent
from .roles import stage_count, stage_name, stage_permission


class WorkflowError(Exception):
    """A transition that may not happen; the message says why, in Chinese."""


def _is_own(article, user):
    return article.author_id is not None and article.author_id == user.pk


def _may_edit(article, user):
    return user.has_perm("articles.edit_any_article") or (
        _is_own(article, user) and user.has_perm("articles.change_article")
    )


# -- Checks: each raises WorkflowError, or returns when the move is allowed ------------------


def check_submit(article, user):
    if article.state != State.DRAFT:
        raise WorkflowError(f"只有草稿可以送审，此稿件状态为“{article.status_label}”。")
    if not user.has_perm("articles.submit_article") or not _may_edit(article, user):
        raise WorkflowError("您没有送审此稿件的权限。")


def check_approve(article, user):
    if article.state != State.REVIEW:
        raise WorkflowError(f"只有审核中的稿件可以审核通过，此稿件状态为“{article.status_label}”。")
    if not user.has_perm(stage_permission(article.review_stage)):
        raise WorkflowError(f"您没有{stage_name(article.review_stage)}的权限。")
    if _is_own(article, user):
        raise WorkflowError("不能审核自己撰写的稿件。")


def check_return(article, user):
    if article.state != State.REVIEW:
        raise WorkflowError(f"只有审核中的稿件可以退回，此稿件状态为“{article.status_label}”。")
    if not user.has_perm(stage_permission(article.review_stage)):
        raise WorkflowError(f"您没有{stage_name(article.review_stage)}的权限，不能退回。")


def check_publish(article, user):
    final = article.state == State.REVIEW and article.review_stage == stage_count()
    if not (final or article.is_scheduled):
        raise WorkflowError("只有通过终审前的稿件或定时发布的稿件可以签发。")
    if not user.has_perm("articles.publish_article"):
        raise WorkflowError("只有总编辑可以签发或定时发布。")
    if _is_own(article, user):
        raise WorkflowError("不能签发自己撰写的稿件。")


def check_withdraw(article, user):
    if article.state != State.PUBLISHED:
        raise WorkflowError(f"只有已发布的稿件可以撤稿，此稿件状态为“{article.status_label}”。")
    if not user.has_perm("articles.withdraw_article"):
        raise WorkflowError("只有总编辑可以撤稿。")


def check_restore(article, user):
    if article.state != State.WITHDRAWN:
        raise WorkflowError(f"只有已撤稿的稿件可以恢复，此稿件状态为“{article.status_label}”。")
    if not user.has_perm("articles.withdraw_article"):
        raise WorkflowError("只有总编辑可以恢复撤下的稿件。")


def check_correct(article, user):
    if article.state != State.PUBLISHED:
        raise WorkflowError("只有已发布的稿件可以发布更正。")
    if not user.has_perm("articles.correct_article"):
        raise WorkflowError("您没有发布更正的权限。")


CHECKS = {
    Action.SUBMIT: check_submit,
    Action.APPROVE: check_approve,
    Action.RETURN: check_return,
    Action.PUBLISH: check_publish,
    Action.WITHDRAW: check_withdraw,
    Action.RESTORE: check_restore,
    Action.CORRECT: check_correct,
}


def available_actions(article, user):
    """The transitions ``user`` may take on ``article`` now, in display order."""
    allowed = []
    for action, check in CHECKS.items():
        try:
            check(article, user)
        except WorkflowError:
            continue
        allowed.append(action)
    return allowed


# -- Transitions ---------------------------------------------------------------------------


def _transition(action, *, article, by, to_state, stage, comment="", publish_at=None):
    """Lock the row, re-check on fresh data, apply, log the event. Saving bumps the version,
    so an editor holding the story open is told it changed."""
    with transaction.atomic():
        fresh = Article.objects.select_for_update().get(pk=article.pk)
        CHECKS[Action.PUBLISH if action == Action.SCHEDULE else action](fresh, by)
        from_state = fresh.state
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
        event = WorkflowEvent.objects.create(
            article=fresh,
            actor=by,
            action=action,
            from_state=from_state,
            to_state=to_state,
            stage=stage,
            comment=comment,
            publish_at=publish_at,
        )
    article.refresh_from_db()
    return event


def _notify_stage(article, stage):
    """Email everyone who can approve ``stage`` (after commit) that a story waits for them."""
    app_label, codename = stage_permission(stage).split(".")
    permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
    reviewers = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(groups__permissions=permission)
            | Q(user_permissions=permission)
            | Q(is_superuser=True)
        )
        .exclude(email="")
        .exclude(pk=article.author_id)
        .values_list("email", flat=True)
        .distinct()
    )
    recipients = sorted(reviewers)
    if not recipients:
        return
    name = stage_name(stage)
    subject = f"【{name}】待审稿件：{article.title}"
    body = (
        f"稿件《{article.title}》已进入{name}，等待您审核。\n"
        f"栏目：{article.section}\n作者：{article.byline or '（未署名）'}\n"
    )
    # robust: a mail server that is down is logged, and never undoes or fails the transition.
    transaction.on_commit(lambda: send_mail(subject, body, None, recipients), robust=True)


def article_submit(*, article, by, comment=""):
    """Send a draft to the first review stage."""
    event = _transition(
        Action.SUBMIT, article=article, by=by, to_state=State.REVIEW, stage=1, comment=comment
    )
    _notify_stage(article, 1)
    return event


def article_approve(*, article, by, comment=""):
    """Pass the current stage: on to the next, or, at the last, publish now (to schedule
    instead, the chief uses article_publish with a time)."""
    check_approve(article, by)
    if article.review_stage < stage_count():
        stage = article.review_stage + 1
        event = _transition(
            Action.APPROVE,
            article=article,
            by=by,
            to_state=State.REVIEW,
            stage=stage,
            comment=comment,
        )
        _notify_stage(article, stage)
        return event
    return article_publish(article=article, by=by, comment=comment)


def article_return(*, article, by, comment):
    """Send a story in review back to its author as a draft; the comment says why."""
    if not comment.strip():
        raise WorkflowError("退回稿件必须填写退回意见。")
    return _transition(
        Action.RETURN, article=article, by=by, to_state=State.DRAFT, stage=0, comment=comment
    )


def article_publish(*, article, by, at=None, comment=""):
    """Publish now, or schedule for ``at`` (goes live by itself: no cron)."""
    now = timezone.now()
    at = at or now
    if not isinstance(at, datetime.datetime) or timezone.is_naive(at):
        raise WorkflowError("发布时间无效。")
    action = Action.SCHEDULE if at > now else Action.PUBLISH
    return _transition(
        action,
        article=article,
        by=by,
        to_state=State.PUBLISHED,
        stage=0,
        comment=comment,
        publish_at=at,
    )


def article_withdraw(*, article, by, reason):
    """Take a published story down; it stays in the archive with its history."""
    if not reason.strip():
        raise WorkflowError("撤稿必须填写原因。")
    return _transition(
        Action.WITHDRAW,
        article=article,
        by=by,
        to_state=State.WITHDRAWN,
        stage=0,
        comment=reason,
    )


def article_restore(*, article, by, comment=""):
    """Bring a withdrawn story back as a draft, to go through review again."""
    return _transition(
        Action.RESTORE, article=article, by=by, to_state=State.DRAFT, stage=0, comment=comment
    )


def article_correct(*, article, by, text):
    """Add a correction, shown under the published story with its time."""
    if not text.strip():
        raise WorkflowError("更正内容不能为空。")
    with transaction.atomic():
        event = _transition(
            Action.CORRECT,
            article=article,
            by=by,
            to_state=State.PUBLISHED,
            stage=0,
            comment=text,
        )
        Correction.objects.create(
            article_id=article.pk, text=text, created_by=by, created_at=event.created_at
        )
    return event


def article_publish_printed(*, article, at):
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
        fresh._change_reason = "随版面发布"
        fresh.save(keep_timestamps=True)
        WorkflowEvent.objects.create(
            article=fresh,
            actor=None,
            action=Action.PUBLISH,
            from_state=State.DRAFT,
            to_state=State.PUBLISHED,
            comment="随版面导入发布",
            publish_at=at,
            created_at=at,
        )
    article.refresh_from_db()


def article_revert(*, article, by, record):
    """Bring back the content of an earlier version (a HistoricalArticle). The workflow
    fields stay as they are: reverting never publishes or unpublishes anything."""
    with transaction.atomic():
        fresh = Article.objects.select_for_update().get(pk=article.pk)
        if record.id != fresh.pk:
            raise WorkflowError("该历史版本不属于此稿件。")
        if not _may_edit(fresh, by):
            raise WorkflowError("您没有修改此稿件的权限。")
        for field in CONTENT_FIELDS:
            setattr(fresh, field, getattr(record, field))
        fresh._history_user = by
        when = timezone.localtime(record.history_date)
        fresh._change_reason = f"恢复到 {when:%Y-%m-%d %H:%M:%S} 的版本"
        fresh.save()
        event = WorkflowEvent.objects.create(
            article=fresh,
            actor=by,
            action=Action.REVERT,
            from_state=fresh.state,
            to_state=fresh.state,
            stage=fresh.review_stage,
            comment=fresh._change_reason,
        )
    article.refresh_from_db()
    return event


# What a reader reads and an editor writes; what revert brings back and compare shows first.
CONTENT_FIELDS = [
    "kicker", "title", "subtitle", "summary", "body", "byline", "section_id", "featured",
]  # fmt: skip
