"""Who may see what: the stories, photos and names each audience may be shown.

Readers see a name (an officer, a tag, an agency found in copy and not yet verified) only
while a live story names it: a newspaper never publishes a name before the story that
names it. In the newsroom, a user who may not see a story (a reporter, someone else's)
sees nothing taken from it: not its title, its captions, nor the names found in it.
"""

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from agencies.models import Agency, Officer

from .models import (
    OPEN_STATES,
    Action,
    Article,
    Image,
    Photo,
    State,
    Tag,
    TaggedArticle,
    WorkflowEvent,
)  # fmt: skip
from .roles import stage_count, stage_permission


def _live_naming(field):
    """EXISTS a live story linked through ``field`` to the outer row."""
    return Exists(Article.objects.live().filter(**{field: OuterRef("pk")}))


def public_officers():
    return Officer.objects.filter(_live_naming("officers"))


def public_agencies():
    """Agencies from reference data (verified) and those a live story names."""
    return Agency.objects.filter(Q(verified=True) | _live_naming("agencies"))


def public_tags():
    live = TaggedArticle.objects.filter(
        tag=OuterRef("pk"), content_object__in=Article.objects.live().values("pk")
    )
    return Tag.objects.filter(Exists(live))


def public_images():
    """Pictures readers may fetch: those a live story prints, and the scans of printed
    pages readers may see (a page with a live story on it)."""
    from .models import PrintPage

    return Image.objects.filter(Exists(Photo.objects.filter(
        image=OuterRef("pk"), article__in=Article.objects.live()
    )) | Exists(PrintPage.objects.files_public().filter(image=OuterRef("pk"))))  # fmt: skip


# -- The newsroom ---------------------------------------------------------------------------


def sees_every_story(user):
    return user.has_perm("articles.edit_any_article")


def visible_articles(user, queryset=None):
    """The stories ``user`` may open in the admin: every one for editors and above, their
    own for a reporter."""
    queryset = Article.objects.all() if queryset is None else queryset
    return queryset if sees_every_story(user) else queryset.filter(author=user)


def photo_target_articles(user, queryset=None):
    """The stories whose photos ``user`` may add, change or delete directly: those they may
    edit that readers cannot see. A published story's photos change through its revision
    (修改稿), like its text."""
    queryset = visible_articles(user, queryset)
    open_now = Q(state__in=OPEN_STATES) | Q(state=State.WITHDRAWN, revision_of__isnull=True)
    if not sees_every_story(user):
        open_now = Q(state=State.DRAFT, revision_of__isnull=True)
    return queryset.filter(open_now)


def visible_photos(user, queryset=None):
    queryset = Photo.objects.all() if queryset is None else queryset
    if sees_every_story(user):
        return queryset
    return queryset.filter(article__author=user)


def visible_images(user, queryset=None):
    """The library's pictures ``user`` may see and fetch: every one for editors and above;
    for a reporter, their own uploads, those of stories they may see, and the live ones."""
    queryset = Image.objects.all() if queryset is None else queryset
    if sees_every_story(user):
        return queryset
    used = Exists(Photo.objects.filter(
        Q(article__author=user) | Q(article__in=Article.objects.live()), image=OuterRef("pk")
    ))  # fmt: skip
    return queryset.filter(Q(uploaded_by=user) | used)


def names_visible_to(user, queryset, field):
    """Rows of ``queryset`` (agencies, officers or tags) ``user`` may see in the admin:
    for a reporter, those named by no story (reference data, entered by hand), by a live
    story, or by a story of their own; never one found only in copy they may not see.
    ``field`` links Article to the rows (``agencies``, ``officers``, ``tags``)."""
    if sees_every_story(user):
        return queryset
    named = Exists(Article.objects.filter(**{field: OuterRef("pk")}))
    own = Exists(Article.objects.filter(author=user, **{field: OuterRef("pk")}))
    return queryset.filter(~named | _live_naming(field) | own)


# -- The desk's queues ------------------------------------------------------------------------


def stages_of(user):
    """The review stages ``user`` may pass a story through (1 = 初审 …)."""
    return [
        stage for stage in range(1, stage_count() + 1) if user.has_perm(stage_permission(stage))
    ]


def approvals_this_round(user):
    """``user``'s approvals of stories' current reviews (since each was last sent to
    review): 三审 are three people's, so whoever passed one stage of a review passes no
    other stage of it."""
    sent = WorkflowEvent.objects.filter(article=OuterRef("article"), action=Action.SUBMIT)
    last_sent = Subquery(sent.order_by("-pk").values("pk")[:1])
    return WorkflowEvent.objects.filter(action=Action.APPROVE, actor=user, pk__gt=last_sent)


def awaiting_review(user, queryset=None):
    """Stories waiting at a stage ``user`` may pass: not their own (nobody reviews their own
    copy), nor one whose review they passed a stage of already."""
    queryset = Article.objects.all() if queryset is None else queryset
    passed = Exists(approvals_this_round(user).filter(article=OuterRef("pk")))
    return queryset.filter(state=State.REVIEW, review_stage__in=stages_of(user)).exclude(
        Q(author=user) | passed
    )


def with_stage_entered(queryset):
    """Each story with ``entered_at``: when it reached its stage (its submission, or the
    last approval), which is how long it has waited there."""
    entered = WorkflowEvent.objects.filter(
        article=OuterRef("pk"), action__in=[Action.SUBMIT, Action.APPROVE]
    ).order_by("-created_at", "-pk")
    return queryset.annotate(entered_at=Subquery(entered.values("created_at")[:1]))


def own_open_stories(user):
    """``user``'s stories still on the desk: drafts (a returned one with ``last_comment``,
    the reviewer's reason), in review, and signed off for a time still to come. A revision
    of their live story (修改稿) counts only when they worked on it: it carries the story's
    author whoever began it."""
    latest = WorkflowEvent.objects.filter(article=OuterRef("pk")).order_by("-created_at", "-pk")
    waiting = Q(state__in=OPEN_STATES) | Q(state=State.PUBLISHED, publish_at__gt=timezone.now())
    worked_on = Exists(Article.history.model.objects.filter(id=OuterRef("pk"), history_user=user))
    return (
        Article.objects.filter(waiting, author=user)
        .filter(Q(revision_of__isnull=True) | worked_on)
        .with_last_action()
        .annotate(last_comment=Subquery(latest.values("comment")[:1]))
    )
