"""The story list (稿件): the desk's budget, one line a story, built for the desk rather
than with ModelAdmin's changelist.

Django's changelist renders every cell through its generic machinery (a lookup, a
``reverse()`` and several ``format_html`` calls per cell), counts the whole archive, and
renders its filter panel from every related row; at 100 000 stories it answered about one
request in a hundred of what the floor does. Here:

- the filters are a short form above the list (a row of selects on a desk, two to a line on
  a phone), read and checked here, so a bad value is ignored rather than a redirect;
- a page is read as one window of ``PER_PAGE + 1`` rows in an indexed order (the extra row
  says whether there is a next page): nothing is counted;
- rows are rendered in Python from the few columns the list prints (no bodies: 字数 is
  stored at save), under the same names the desk's styles and tests use.

The rendered page (the admin's frame around the list) is kept under the content key read
fresh from the database (any saved story moves it on, and a scheduled story coming due),
the user, their name and permissions, the day, and the list's parameters (``story_list``):
a page is read once per change, and an editor's own step shows on the next page whichever
worker answers it. Other accounts are not part of the key: a new or renamed account
shows in the 撰稿人 choices with the next saved story (or after ten minutes).

Bulk actions post back here and are run by ``ModelAdmin.response_action``, with the
admin's own permission checks; the boxes belong to the frame's form
(``form="changelist-form"``); the request's own CSRF token is written into the kept page.
"""

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME as ACTION_CHECKBOX
from django.contrib.auth import get_user_model
from django.db.models import F, Q
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from agencies.models import Agency, AgencyKind
from articles import generation
from articles.models import Action, Section, State, display_name
from articles.roles import stage_count, stage_name
from articles.selectors import (
    awaiting_review,
    names_visible_to,
    sees_every_story,
    stages_of,
    visible_articles,
)  # fmt: skip
from newsroom.text import strip_controls

PER_PAGE = 50
# Past this a page number is read as this one (an offset the databases can hold), which is
# past the end of any real desk: 5 million stories.
LAST_PAGE = 100_000

# The orders a list may be read in, each served by an index from its top.
ORDERS = {
    # Drafts (no publication time yet) first on every database (SQLite sorts NULLs last).
    "": ("发布时间", [F("publish_at").desc(nulls_first=True), "-pk"]),
    "updated": ("更新时间", ["-updated_at", "-pk"]),
}

PERIODS = {
    "today": "今天",
    "week": "过去 7 天",
    "month": "本月",
    "year": "今年",
    "none": "未定发布时间",
}


@dataclass
class Filter:
    """One select of the filter form: its parameter, label, choices and chosen value."""

    name: str
    label: str
    choices: list
    value: str = ""
    filter: Callable = field(default=None, repr=False)

    def read(self, params):
        """The chosen value, if it is one of the choices (anything else is ignored)."""
        value = params.get(self.name, "")
        self.value = value if value in {str(key) for key, _ in self.choices} else ""
        return self.value

    @property
    def options(self):
        return [(key, label, str(key) == self.value) for key, label in self.choices]


def _queue(user, queryset, value):
    if value == "mine":
        return queryset.filter(author=user)
    if value == "scheduled":
        return queryset.scheduled()
    return awaiting_review(user, queryset)


def _state(user, queryset, value):
    if value == "returned":
        return queryset.filter(state=State.DRAFT, last_action=Action.RETURN)
    if value == State.PUBLISHED:
        return queryset.live()
    if value == "scheduled":
        return queryset.scheduled()
    return queryset.filter(state=value)


def _agency(user, queryset, value):
    agency = Agency.objects.filter(pk=value).only("path").first()
    return queryset.naming_agency_or_below(agency.path) if agency else queryset.none()


def _period(user, queryset, value):
    """Stories whose publication time falls in the day, the last seven days, the month or
    the year, as the newsroom's clock reads them (a story scheduled for later this month
    is in 本月, not in 今天)."""
    if value == "none":
        return queryset.filter(publish_at__isnull=True)
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    first_of_next_month = (today.replace(day=28) + 4 * day).replace(day=1)
    start, end = {
        "today": (today, today + day),
        "week": (today - 6 * day, today + day),
        "month": (today.replace(day=1), first_of_next_month),
        "year": (today.replace(month=1, day=1), today.replace(year=today.year + 1, month=1, day=1)),
    }[value]

    def moment(day):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))

    return queryset.filter(publish_at__gte=moment(start), publish_at__lt=moment(end))


def filters_for(user):
    """The list's filters, with the choices ``user`` may use. The agencies are departments
    and city bureaus (each filters its whole subtree); listing hundreds of stations and
    posts made the form longer than the list."""
    people = (
        get_user_model().objects.filter(is_active=True).only("username", "first_name", "last_name")
    )
    agencies = names_visible_to(
        user, Agency.objects.filter(kind__in=[AgencyKind.DEPARTMENT, AgencyKind.BUREAU]), "agencies"
    ).only("pk", "name", "path")
    states = [
        (State.DRAFT, "草稿"), ("returned", "需修改"), (State.REVIEW, "审核中"),
        ("scheduled", "定时发布"), (State.PUBLISHED, "已发布"), (State.WITHDRAWN, "已撤稿"),
        (State.MERGED, "已并入原稿"),
    ]  # fmt: skip
    # Only the choices that can list something for this user: 待我审核 for reviewers, other
    # writers for those who see every story.
    queues = [("mine", "我的稿件"), ("review", "待我审核"), ("scheduled", "定时发布")]
    if not stages_of(user):
        queues.remove(("review", "待我审核"))
    writers = people if sees_every_story(user) else [user]
    return [
        Filter("queue", "工作队列", queues, filter=_queue),
        Filter("state", "状态", states, filter=_state),
        Filter(
            "review_stage",
            "审核阶段",
            [(str(n), stage_name(n)) for n in range(1, stage_count() + 1)],
            filter=lambda user, qs, value: qs.filter(state=State.REVIEW, review_stage=value),
        ),
        Filter(
            "section",
            "栏目",
            list(Section.objects.values_list("pk", "name")),
            filter=lambda user, qs, value: qs.filter(section_id=value),
        ),
        Filter("agency", "机构（含下级）", [(a.pk, a.name) for a in agencies], filter=_agency),
        Filter(
            "author",
            "撰稿人",
            sorted(((u.pk, display_name(u)) for u in writers), key=lambda pair: pair[1]),
            filter=lambda user, qs, value: qs.filter(author_id=value),
        ),
        Filter("period", "发布时间", list(PERIODS.items()), filter=_period),
    ]


# -- Rows ----------------------------------------------------------------------------------
# Rendered here rather than cell by cell in a template: 50 rows of nine cells through the
# template engine (or format_html's lazy escaping) was most of a page's time.


def _when(moment, year):
    if moment is None:
        return "—"
    local = timezone.localtime(moment)
    if local.year == year:
        shown = f"{local.month}月{local.day}日 {local:%H:%M}"
    else:
        shown = f"{local:%Y-%m-%d}"
    return f'<time datetime="{local.isoformat()}">{shown}</time>'


def row(story, names, change_prefix, year, selectable):
    """One story as a line of the list, by the class names the desk's styles use, with a
    box to tick for a bulk action when the user has one. ``names`` holds the section and
    writer names, read once for the page."""
    title = escape(story.title)
    kind = "scheduled" if story.is_scheduled else "returned" if story.is_returned else story.state
    label = f"修改稿·{story.status_label}" if story.is_revision else story.status_label
    stage = "—"
    if story.state == State.REVIEW:
        stage = f'<span class="badge badge-stage">{stage_name(story.review_stage)}</span>'
    if story.author_id:
        writer = escape(names["people"].get(story.author_id, ""))
    else:
        writer = f'<span class="quiet">{escape(story.byline or "—")}</span>'
    tick = (
        f'<td class="action-checkbox"><input type="checkbox" name="{ACTION_CHECKBOX}" '
        f'value="{story.pk}" class="action-select" form="changelist-form" '
        f'aria-label="选择《{title}》"></td>'
    ) if selectable else ""  # fmt: skip
    return (
        f"<tr>{tick}"
        f'<th class="field-headline"><a href="{change_prefix}{story.pk}/change/">'
        f'<span class="headline" title="{title}">{title}</span></a></th>'
        f'<td class="field-section">{escape(names["sections"].get(story.section_id, ""))}</td>'
        f'<td class="field-status"><span class="badge badge-{kind}">{escape(label)}</span></td>'
        f'<td class="field-stage">{stage}</td>'
        f'<td class="field-writer">{writer}</td>'
        f'<td class="field-characters">{story.characters}</td>'
        f'<td class="field-publish_at">{_when(story.publish_at, year)}</td>'
        f'<td class="field-updated_at">{_when(story.updated_at, year)}</td>'
        "</tr>"
    )


# -- The list ------------------------------------------------------------------------------

COLUMNS = [
    ("headline", "标题"), ("section", "栏目"), ("status", "状态"), ("stage", "审核阶段"),
    ("writer", "撰稿人"), ("characters", "字数"), ("publish_at", "发布时间"),
    ("updated_at", "更新时间"),
]  # fmt: skip


# What the rows are made of: never the bodies (字数 is stored at save); the section's and
# the writer's names come from the filters' choices, read anyway.
COLUMNS_READ = [
    "title", "byline", "state", "review_stage", "publish_at", "updated_at", "characters",
    "revision_of_id", "section_id", "author_id",
]  # fmt: skip


class StoryList:
    """What the list shows for one request: its filters as chosen, the search, the order,
    and one page of rows."""

    def __init__(self, request, queryset, change_prefix, selectable):
        self.request = request
        self.path = change_prefix
        params = request.GET
        self.filters = filters_for(request.user)
        self.query = params.get("q", "").strip()[:200]
        self.order = params.get("o", "") if params.get("o", "") in ORDERS else ""
        try:
            self.page = min(max(1, int(params.get("p", "1"))), LAST_PAGE)
        except ValueError:
            self.page = 1
        queryset = visible_articles(request.user, queryset).only(*COLUMNS_READ).with_last_action()
        for chosen in self.filters:
            if chosen.read(params):
                queryset = chosen.filter(request.user, queryset, chosen.value)
        if self.query:
            queryset = self.search(queryset, self.query)
        start = (self.page - 1) * PER_PAGE
        window = list(queryset.order_by(*ORDERS[self.order][1])[start : start + PER_PAGE + 1])
        self.stories = window[:PER_PAGE]
        self.has_next = len(window) > PER_PAGE
        year = timezone.localdate().year
        names = self.names(self.stories)
        self.rows = mark_safe(
            "".join(row(story, names, change_prefix, year, selectable) for story in self.stories)
        )

    def names(self, stories):
        """Section and writer names by id, from the filters' choices; a writer whose account
        is no longer active (not a choice) is read with the others missing, in one query."""
        choices = {chosen.name: dict(chosen.choices) for chosen in self.filters}
        people = choices["author"]
        missing = {story.author_id for story in stories if story.author_id not in people} - {None}
        if missing:
            inactive = get_user_model().objects.filter(pk__in=missing)
            people |= {user.pk: display_name(user) for user in inactive}
        return {"sections": choices["section"], "people": people}

    @staticmethod
    def search(queryset, text):
        """Each word of the search in the headline, subtitle, kicker, byline or summary
        (the fields the list is searched by; the body is the public search's)."""
        for word in text.split():
            queryset = queryset.filter(
                Q(title__icontains=word) | Q(subtitle__icontains=word) | Q(kicker__icontains=word)
                | Q(byline__icontains=word) | Q(summary__icontains=word)
            )  # fmt: skip
        return queryset

    @property
    def active(self):
        return bool(self.query) or any(chosen.value for chosen in self.filters)

    def url(self, **changes):
        """This list's address with ``changes`` made (a value of None drops the parameter)."""
        params = {chosen.name: chosen.value for chosen in self.filters if chosen.value}
        params |= {"q": self.query, "o": self.order, "p": self.page if self.page > 1 else ""}
        params |= changes
        query = urlencode({k: v for k, v in params.items() if v not in ("", None)})
        return f"?{query}" if query else "?"

    @property
    def first_url(self):
        return self.url(p=None)

    @property
    def previous_url(self):
        return self.url(p=self.page - 1) if self.page > 1 else None

    @property
    def next_url(self):
        return self.url(p=self.page + 1) if self.has_next else None

    @property
    def orders(self):
        return [(key, label, key == self.order) for key, (label, _) in ORDERS.items()]


# The list's own parameters: the key is made of these alone.
PARAMETERS = ("q", "o", "p", "queue", "state", "review_stage", "section", "agency", "author",
              "period")  # fmt: skip


# Where the request's own CSRF token goes in a kept page: a NUL, which no stored text or
# parameter holds (control characters are dropped at the door and on save).
CSRF_MARK = "\x00csrf\x00"


def story_list(request, queryset, change_prefix, actions, frame):
    """The list's whole page, kept (see the module's notes): ``frame(body, csrf_token)``
    renders the admin's frame around the list's body (filters, bulk actions, rows, pages);
    ``actions`` are the bulk actions (name, label) this user may take. The frame prints the
    user's name and menu, so its inputs are in the key; a page with messages to show (after
    a bulk action) is rendered for that request alone."""
    user = request.user
    params = [(name, strip_controls(request.GET.get(name, ""))[:200]) for name in PARAMETERS]
    params[0] = ("q", strip_controls(request.GET.get("q", "")).strip()[:200])  # as read
    who = (user.pk, display_name(user), user.has_usable_password(), user.is_superuser,
           get_language(), [name for name, _ in actions])  # fmt: skip
    key = repr((who, sorted(user.get_all_permissions()), timezone.localdate(), params))

    def body():
        stories = StoryList(request, queryset, change_prefix, selectable=bool(actions))
        context = {"list": stories, "columns": COLUMNS, "actions": actions}
        return render_to_string("admin/articles/article/story_list_body.html", context)

    token = get_token(request)
    if len(messages.get_messages(request)):
        return frame(body(), token)
    digest = hashlib.blake2b(key.encode(), digest_size=16).hexdigest()
    page = generation.keep(
        f"desk-list:{digest}", lambda: frame(body(), CSRF_MARK), request, fresh=True
    )
    return page.replace(CSRF_MARK, token)
