"""Rendered fragments of public pages, and the rows lists are chosen from, kept per process.

Rendering is most of what an uncached page costs: Django's template engine spends far more
time on a story's header, photos, body, corrections and links than the database does
finding them. Fragments are kept under the content generation (see ContentGeneration), so
any change readers could see outdates them all at once, in every worker.

Which stories are live is never kept: a scheduled story goes live without any save. Lists
keep the rows of published stories (scheduled ones included, up to a horizon) with their
publication times, and decide on every request, by the clock, which rows are live
(``live_rows``).
"""

import datetime
import hashlib
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db.models import Q
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.text import Truncator
from markupsafe import Markup

from .caching import generation, origin
from .models import Article, TaggedArticle

fragment_cache = caches["fragments"]

# However long the generation stands, a fragment is dropped after this long.
FRAGMENT_SECONDS = 600
# How far ahead kept lists look for scheduled stories (they are dropped by then).
HORIZON = datetime.timedelta(seconds=FRAGMENT_SECONDS)
# The fewest list rows kept: the first five pages.
MIN_WINDOW = 101
RELATED = 5
RELATED_CANDIDATES = 50


def story_queryset():
    return (
        Article.objects.live()
        .select_related("section")
        .prefetch_related(
            "photos",
            "corrections",
            "agencies",
            "officers",
            "tags",
        )
    )


def render_story(request, article):
    """The parts of an article page that belong to the story itself."""
    context = {"article": article}
    return {
        "pk": article.pk,
        "slug": article.slug,
        "url": article.get_absolute_url(),
        "title": article.title,
        "description": Truncator(article.summary or article.subtitle).chars(120),
        "updated_at": article.updated_at,
        "head": render_to_string("articles/story_head.html", context, request),
        "main": render_to_string("articles/story_main.html", context, request),
        "agency_ids": [agency.pk for agency in article.agencies.all()],
        "tag_ids": [tag.pk for tag in article.tags.all()],
    }


def _key(request, name):
    return f"newsroom:{name}:{generation(request)}:{origin(request)}"


def cached(request, name, build):
    """``build()``, kept under the content generation (and the page's scheme and host)."""
    if not settings.NEWSROOM_FRAGMENT_CACHE:
        return build()
    key = _key(request, name)
    value = fragment_cache.get(key)
    if value is None:
        value = build()
        if value is not None:
            fragment_cache.set(key, value, timeout=FRAGMENT_SECONDS)
    return value


def _live_entry(request, name, build, need):
    """The kept entry of rows ``name`` (None without a fragment cache) and its rows live
    now: see live_rows."""
    now = timezone.now()
    key = _key(request, name)
    entry = fragment_cache.get(key) if settings.NEWSROOM_FRAGMENT_CACHE else None
    if entry is not None and now < entry["until"]:
        live = _live(entry, now)
        if need is None or len(live) >= need or entry["complete"]:
            return entry, live
    until = now + HORIZON
    rows, complete = build(until)
    # The id tells this set of rows from any other kept under the same key (live_choice).
    entry = {"rows": rows, "until": until, "complete": complete, "id": uuid.uuid4().hex}
    entry["live"] = None
    live = _live(entry, now)
    if settings.NEWSROOM_FRAGMENT_CACHE:
        fragment_cache.set(key, entry, timeout=FRAGMENT_SECONDS)
    else:
        entry = None
    return entry, live


def _live(entry, now):
    """The entry's rows live at ``now``. Worked out again only when the clock has passed
    the next of its scheduled stories, or gone back before the last working out; in
    between they are the same rows (a list of the entry's own rows, read-only)."""
    kept = entry["live"]
    if kept is not None and kept[1] <= now < kept[2]:
        return kept[0]
    live = [row for row in entry["rows"] if row[0] <= now]
    due = min((row[0] for row in entry["rows"] if row[0] > now), default=entry["until"])
    entry["live"] = (live, now, due)
    return live


def live_rows(request, name, build, *, need=None):
    """Rows about stories, ``(publish time, ...)``, of which those live now are returned.

    ``build(until)`` returns ``(rows, complete)``: rows of published stories whose
    publication time is no later than ``until`` (scheduled ones included), and whether
    they are all there are. They are kept per content generation until ``until``, HORIZON
    from now: no story left out can go live before then without a save, which moves the
    generation on. Which rows are live is decided on every request, by the clock, exactly
    as ``ArticleQuerySet.live()`` decides it in SQL. A request that ``need``s more live
    rows than an incomplete entry holds (a deeper page of a list) rebuilds it."""
    return _live_entry(request, name, build, need)[1]


def live_choice(request, name, build, choose, *, need=None, part=None):
    """``choose(live)`` for the rows ``live_rows(request, name, build, need=need)`` live
    now (a page's stories, rendered), kept beside those rows under ``part`` (a page
    number, say). Within one set of kept rows the live ones only ever grow, as scheduled
    stories' times come, so how many there are tells which they are: each choice is made
    once per number of live rows, and made again when a story goes live."""
    entry, live = _live_entry(request, name, build, need)
    if entry is None:
        return choose(live)
    return cached(request, f"{name}:{entry['id']}:{part}:{len(live)}", lambda: choose(live))


def published_window(stories, need):
    """``build`` for live_rows: the newest ``need`` (at least MIN_WINDOW) of ``stories()``,
    a queryset of published stories, and every one of them that goes live before the rows
    are dropped, as ``(publish time, id)`` rows."""

    def build(until):
        published = stories()
        coming = published.filter(publish_at__gt=timezone.now(), publish_at__lte=until)
        window = max(need, MIN_WINDOW) + coming.count()
        rows = list(
            published.filter(publish_at__lte=until)
            .order_by("-publish_at", "-pk")
            .values_list("publish_at", "pk")[:window]
        )
        return rows, len(rows) < window

    return build


def any_live(request, name, stories):
    """Whether any of ``stories()`` (a queryset of published stories) is live now: decided
    by the clock on every request from rows kept per generation (the newest live one and
    those due before the rows are dropped), so a name's page opens the moment the first
    story naming it goes live, and closes at the next request after its last is
    withdrawn."""

    def build(until):
        published = stories()
        now = timezone.now()
        coming = published.filter(publish_at__gt=now, publish_at__lte=until)
        newest = published.filter(publish_at__lte=now).order_by("-publish_at")
        rows = [
            *coming.values_list("publish_at", "pk"),
            *newest.values_list("publish_at", "pk")[:1],
        ]
        return rows, True

    return bool(live_rows(request, name, build))


def live_ids(request, name, stories, need):
    """The ids of the first ``need`` live stories among ``stories()`` (a queryset of
    published stories), newest first, through ``live_rows``: while the generation holds,
    a list page runs no query."""
    rows = live_rows(request, name, published_window(stories, need), need=need)
    return [pk for _at, pk in rows[:need]]


def related_stories(request, story, limit=RELATED, candidates=RELATED_CANDIDATES):
    """The newest live stories sharing an agency or a tag with ``story``, rendered (empty
    when there are none).

    The candidates (published stories linked to the same agencies or tags, newest first,
    with their publication times) only change by a save, so they are kept per generation;
    whether each is live yet is decided here, on every request, exactly as
    ``ArticleQuerySet.live()`` decides it in SQL: a scheduled story joins the list when
    its time comes."""

    def build(until):
        pk, agency_ids, tag_ids = story["pk"], story["agency_ids"], story["tag_ids"]
        if not agency_ids and not tag_ids:
            return [], True
        # From the link tables (bounded), not by joining the whole archive.
        by_agency = (
            Article.agencies.through.objects.filter(agency_id__in=agency_ids)
            .order_by("-article_id")
            .values("article_id")[:candidates]
        )
        by_tag = (
            TaggedArticle.objects.filter(tag_id__in=tag_ids)
            .order_by("-content_object_id")
            .values("content_object_id")[:candidates]
        )
        rows = (
            Article.objects.published()
            .filter(Q(pk__in=by_agency) | Q(pk__in=by_tag), publish_at__lte=until)
            .exclude(pk=pk)
            .only("pk", "slug", "title", "publish_at")
            .order_by("-publish_at", "-pk")[:candidates]
        )
        return [(a.publish_at, {"url": a.get_absolute_url(), "title": a.title}) for a in rows], True

    def choose(live):
        related = [item for _at, item in live[:limit]]
        template = "includes/related.html"
        return Markup(render_to_string(template, {"related": related}, using="jinja2"))

    return live_choice(request, f"related:{story['pk']}", build, choose)


def live_story(request, pk):
    """The rendered story ``pk`` if it is live, else None. Kept per generation, scheme and
    host (canonical links carry them); a story that is not live is never kept."""

    def build():
        article = story_queryset().filter(pk=pk).first()
        return None if article is None else render_story(request, article)

    return cached(request, f"story:{pk}", build)


def query_key(query):
    """A short, fixed-length key part for a search query."""
    return hashlib.sha256(query.encode()).hexdigest()[:32]


def _items(request, name, ids, stories, template_name, context):
    """The rendered items ``name`` of stories ``ids``, in that order: each kept per
    generation; the missing ones are fetched in one query (``stories``, a queryset of live
    stories) and rendered with ``template_name`` and ``context(article)``. A story missing
    there (withdrawn or deleted meanwhile) is left out. ``stories`` is a function: the
    queryset is built only on a miss (building one costs more than a warm list's lookups).

    Returned joined, as one piece of markup (empty, so false, when there is none): a
    template then prints a list at once instead of item by item."""
    if not ids:
        return Markup()
    gen = generation(request)
    keys = {pk: f"newsroom:{name}:{gen}:{pk}" for pk in ids}
    found = fragment_cache.get_many(list(keys.values())) if settings.NEWSROOM_FRAGMENT_CACHE else {}
    missing = [pk for pk in ids if keys[pk] not in found]
    if missing:
        template = get_template(template_name)  # looked up on a miss only: it stats files
        rendered = {
            keys[a.pk]: template.render(context(a)) for a in stories().filter(pk__in=missing)
        }
        if settings.NEWSROOM_FRAGMENT_CACHE:
            fragment_cache.set_many(rendered, timeout=FRAGMENT_SECONDS)
        found.update(rendered)
    return Markup("".join([found[keys[pk]] for pk in ids if keys[pk] in found]))


def story_items(request, ids, show_section=True):
    """The rendered list items of stories ``ids`` (chosen live for this request)."""

    variant = "with-section" if show_section else "in-section"
    return _items(
        request, f"item:{variant}", ids, Article.objects.for_listing,
        "includes/article_item.html", lambda a: {"article": a, "show_section": show_section},
    )  # fmt: skip


def search_items(request, query, ids):
    """Rendered search results (title, a passage around the query, section, date) for
    stories ``ids``, kept per generation and query."""
    from .search import snippet

    def stories():
        return Article.objects.live().select_related("section")

    return _items(
        request, f"result:{query_key(query)}", ids, stories,
        "includes/search_item.html", lambda a: {"article": a, "snippet": snippet(a, query)},
    )  # fmt: skip
