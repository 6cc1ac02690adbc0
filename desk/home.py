"""The desk's home page: each person's day at a glance, one click to each story.

- 需修改: their stories a reviewer sent back, with the reason, first of all;
- 我的稿件: their drafts, stories in review (at which stage) and stories signed off for later;
- 待我审核: stories waiting at the stages they may pass, by stage, the longest waiting first;
- 定时发布: what goes live next (for those who sign off);
- 最近发布: what readers have just been given;
- 我的通知: what others did to their stories (passed, returned, published, corrected…).

Each panel is one bounded query, whatever the archive's size.
"""

import functools

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.db.models import Count, Q
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from articles.models import Action, Article, State, WorkflowEvent
from articles.roles import stage_name
from articles.selectors import (
    awaiting_review,
    own_open_stories,
    sees_every_story,
    with_stage_entered,
)  # fmt: skip
from desk import twostep

# Rows a panel shows; its heading counts them all, and links to the whole list.
SHOWN = 10
# What others do to a story that its author wants to hear of.
NEWS = [
    Action.APPROVE, Action.RETURN, Action.PUBLISH, Action.SCHEDULE, Action.WITHDRAW,
    Action.RESTORE, Action.CORRECT, Action.PUBLISH_REVISION, Action.DISCARD, Action.REVERT,
]  # fmt: skip


def changelist(**params):
    url = reverse("admin:articles_article_changelist")
    return f"{url}?{'&'.join(f'{k}={v}' for k, v in params.items())}" if params else url


def _light(queryset):
    """A list's columns only: never the bodies."""
    return queryset.select_related("section", "author").defer("body", "body_html", "summary")


def own_panels(user):
    """需修改 and 我的稿件: ``user``'s stories still on the desk, split by what they need."""
    stories = _light(own_open_stories(user)).order_by("-updated_at", "-pk")
    sent_back = Q(state=State.DRAFT, last_action=Action.RETURN)
    # Every story sent back, however many others there are: they come first.
    returned = list(stories.filter(sent_back))
    # (A story with no event yet has no last action: spelled out, as NOT (… = NULL) is no
    # match in SQL.)
    others = stories.filter(Q(last_action__isnull=True) | ~Q(state=State.DRAFT)
                            | ~Q(last_action=Action.RETURN))  # fmt: skip
    others = list(others[: SHOWN + 1])
    return {
        "returned": returned,
        "mine": others[:SHOWN],
        "mine_more": len(others) > SHOWN,
        "mine_url": changelist(queue="mine"),
    }


def review_panel(user):
    """待我审核: the count at each stage ``user`` may pass, and the longest waiting."""
    waiting = awaiting_review(user)
    counts = dict(
        waiting.order_by()
        .values_list("review_stage")
        .annotate(n=Count("pk"))
        .values_list("review_stage", "n")
    )
    if not counts:
        return None
    stories = with_stage_entered(_light(waiting)).order_by("entered_at", "pk")[:SHOWN]
    return {
        "stages": [
            {
                "name": stage_name(stage),
                "count": n,
                "url": changelist(queue="review", review_stage=stage),
            }
            for stage, n in sorted(counts.items())
        ],
        "total": sum(counts.values()),
        "stories": list(stories),
        "url": changelist(queue="review"),
    }


def scheduled_panel(user):
    """定时发布: what goes live next, soonest first, for those who sign stories off."""
    if not (user.has_perm("articles.publish_article") or sees_every_story(user)):
        return None
    upcoming = Article.objects.scheduled()
    return {
        "stories": list(_light(upcoming).order_by("publish_at", "pk")[:SHOWN]),
        "total": upcoming.count(),
        "url": changelist(queue="scheduled"),
    }


def published_panel():
    """最近发布: the newest live stories (public already: anyone on the desk may see them)."""
    return list(_light(Article.objects.live()).order_by("-publish_at", "-pk")[:SHOWN])


def notifications(user):
    """我的通知: the newest steps others took on ``user``'s stories."""
    events = WorkflowEvent.objects.filter(article__author=user, action__in=NEWS).exclude(actor=user)
    return list(events.select_related("article", "actor").order_by("-created_at", "-pk")[:SHOWN])


def home_context(user):
    return {
        **own_panels(user),
        "review": review_panel(user),
        "scheduled": scheduled_panel(user),
        "published": published_panel(),
        "notifications": notifications(user),
        "now": timezone.now(),
        "may_write": user.has_perm("articles.add_article"),
        # A story of someone else's opens on the readers' site for those who may not edit it.
        "sees_every_story": sees_every_story(user),
    }


class DeskSite(admin.AdminSite):
    """The admin as the newsroom's desk: its home page is the day's work, not an app list."""

    site_header = "新闻编辑系统"
    site_title = "新闻编辑系统"
    index_title = "编辑部"
    index_template = "admin/desk_home.html"

    def each_context(self, request):
        # The menu's app list (a permission check and two addresses per model) is built only
        # by a page that shows it: the story list does not (it takes the page's width).
        request.desk_lazy_apps = True
        try:
            return super().each_context(request)
        finally:
            del request.desk_lazy_apps

    def get_app_list(self, request, app_label=None):
        if getattr(request, "desk_lazy_apps", False):
            build = admin.AdminSite.get_app_list
            return SimpleLazyObject(lambda: build(self, request, app_label))
        return super().get_app_list(request, app_label)

    # Two-step sign-in (desk/twostep.py): with NEWSROOM_STAFF_TOTP on, an account signed in
    # with its password only is sent to the code page from every page of the desk.

    def has_permission(self, request):
        return super().has_permission(request) and not twostep.pending(request)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @functools.wraps(inner)
        def wrapper(request, *args, **kwargs):
            if twostep.pending(request):
                if request.path == reverse("admin:logout"):
                    # Django's admin sends a session without the site's permission from
                    # logout to the index: this one may always sign out.
                    return csrf_protect(never_cache(view))(request, *args, **kwargs)
                response = redirect_to_login(request.get_full_path(), reverse("admin:two_step"))
                add_never_cache_headers(response)
                return response
            return inner(request, *args, **kwargs)

        return wrapper

    def login(self, request, extra_context=None):
        if request.method == "GET" and twostep.pending(request):
            return redirect_to_login(
                request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index"),
                reverse("admin:two_step"),
            )
        return super().login(request, extra_context)

    def get_urls(self):
        two_step = path(
            "two-step/",
            never_cache(csrf_protect(functools.partial(twostep.view, self))),
            name="two_step",
        )
        return [two_step, *super().get_urls()]

    def index(self, request, extra_context=None):
        context = {**home_context(request.user), **(extra_context or {})}
        return super().index(request, context)
