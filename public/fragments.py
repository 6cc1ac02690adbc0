"""Rendered fragments of public pages: a story's own part of its page, what follows it
(上一篇/下一篇, related stories, sharing), and list items, each kept under the content key
(public.cache).

Building them is most of what an uncached page costs (a story's header, photos, body,
corrections and links: ten queries and their rendering), and every page is built afresh
once the key moves on: they are Jinja2 templates (public/jinja2.py), rendered without the
request (what they need of it, the site's address, is passed).
"""

import functools
import hashlib
import operator

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from markupsafe import Markup

from articles.generation import KEEP_SECONDS, content_key
from articles.models import Article, TaggedArticle
from articles.slip import responsible_editor
from chinese.typography import truncate

from .cache import cached, local, origin
from .markup import picture
from .share import qr_svg

RELATED = 4
RELATED_CANDIDATES = 50


def render_story(request, article):
    """The parts of an article page that belong to the story itself."""
    context = {
        "article": article,
        # 责任编辑 from the workflow's record (one query), never typed in.
        "editor": responsible_editor(article),
        "base": origin(request),
        "site_name": settings.NEWSROOM_SITE_NAME,
    }
    return {
        "pk": article.pk,
        "slug": article.slug,
        "url": article.get_absolute_url(),
        "section_id": article.section_id,
        "publish_at": article.publish_at,
        "title": article.title,
        "description": truncate(article.description, 120),
        # A moved focal point makes new crops under new names: the page is as new as its
        # newest picture (Last-Modified), or a cache revalidating by date keeps old names.
        "updated_at": max(
            [
                article.updated_at,
                *(p.image.changed_at for p in article.photos.all() if p.image is not None),
            ]
        ),
        "head": _render("articles/story_head.html", context),
        "main": _render("articles/story_main.html", context),
        "agency_ids": [agency.pk for agency in article.agencies.all()],
        "tag_ids": [tag.pk for tag in article.tags.all()],
    }


def live_story(request, pk):
    """The rendered story ``pk`` if it is live, else None."""

    def build():
        article = (
            Article.objects.live()
            .select_related("section", "print_page")
            .prefetch_related(
                "photos__image__renditions", "corrections", "agencies", "officers", "tags"
            )
            .filter(pk=pk)
            .first()
        )
        return None if article is None else render_story(request, article)

    return cached(request, f"story:{pk}", build)


def related_ids(story, count):
    """A subquery: the ids of the ``count`` newest live stories sharing an agency or a tag
    with ``story`` (None when it has neither)."""
    pk, agency_ids, tag_ids = story["pk"], story["agency_ids"], story["tag_ids"]
    if not agency_ids and not tag_ids:
        return None
    # From the link tables (bounded), not by joining the whole archive.
    by_agency = (
        Article.agencies.through.objects.filter(agency_id__in=agency_ids)
        .order_by("-article_id")
        .values("article_id")[:RELATED_CANDIDATES]
    )
    by_tag = (
        TaggedArticle.objects.filter(tag_id__in=tag_ids)
        .order_by("-content_object_id")
        .values("content_object_id")[:RELATED_CANDIDATES]
    )
    return (
        Article.objects.live()
        .filter(any_of([by_agency, by_tag]))
        .exclude(pk=pk)
        .order_by("-publish_at", "-pk")
        .values("pk")[:count]
    )


def any_of(subqueries):
    """A filter: the pk is among those of any of ``subqueries`` (each of pks, ordered and
    sliced). On PostgreSQL one ``IN`` over their ``UNION ALL``, which it answers with index
    lookups; an ``OR`` of several ``IN``s made it read the whole archive. Elsewhere (SQLite,
    which cannot order the parts of a compound query) the ``OR``."""
    if connection.features.supports_slicing_ordering_in_compound:
        return Q(pk__in=subqueries[0].union(*subqueries[1:], all=True))
    return functools.reduce(operator.or_, (Q(pk__in=subquery) for subquery in subqueries))


def _render(template_name, context):
    return Markup(render_to_string(template_name, context, using="jinja2"))


def _order(article):
    return article.publish_at, article.pk


def _link(article, *, thumb=False):
    published = timezone.localtime(article.publish_at)
    photo = article.pictures[0] if thumb and article.pictures else None
    return {
        "url": article.get_absolute_url(),
        "title": article.title,
        "datetime": published.isoformat(timespec="seconds"),
        "date": f"{published.year}年{published.month}月{published.day}日",
        "thumb": Markup(picture(photo.image, "thumb", photo.alt_text)) if photo else Markup(),
    }


def around_story(request, story):
    """What follows the live ``story`` on its page, rendered: ``pager``, 上一篇 and 下一篇
    (the live stories of its section just before and after it by publication time), and
    ``related``, up to RELATED of the newest live stories sharing an agency or a tag with
    it, with thumbnails (neither repeats 上一篇 or 下一篇). One query finds them all, and
    two their pictures."""

    def build():
        pk, at = story["pk"], story["publish_at"]
        in_section = Article.objects.live().filter(section_id=story["section_id"])
        older = in_section.filter(Q(publish_at__lt=at) | Q(publish_at=at, pk__lt=pk))
        newer = in_section.filter(Q(publish_at__gt=at) | Q(publish_at=at, pk__gt=pk))
        wanted = [
            older.order_by("-publish_at", "-pk").values("pk")[:1],
            newer.order_by("publish_at", "pk").values("pk")[:1],
        ]
        # Two more than shown: 上一篇 and 下一篇 may be among them.
        related = related_ids(story, RELATED + 2)
        if related is not None:
            wanted.append(related)
        rows = list(
            Article.objects.live()
            .filter(any_of(wanted))
            .only("pk", "slug", "title", "publish_at", "section_id")
            .with_pictures()
        )
        # Every row is 上一篇, 下一篇 or related: the newest of the section's older ones is
        # the one just before (a related story of the section is never nearer).
        here = (at, pk)
        same = [a for a in rows if a.section_id == story["section_id"]]
        before = max((a for a in same if _order(a) < here), key=_order, default=None)
        after = min((a for a in same if _order(a) > here), key=_order, default=None)
        neighbours = {a.pk for a in (before, after) if a is not None}
        others = sorted((a for a in rows if a.pk not in neighbours), key=_order, reverse=True)
        return {
            "pager": _render(
                "includes/pager.html",
                {"before": before and _link(before), "after": after and _link(after)},
            ),
            "related": _render(
                "includes/related.html",
                {"related": [_link(a, thumb=True) for a in others[:RELATED]]},
            ),
        }

    return cached(request, f"around:{story['pk']}", build)


def share_links(request, story):
    """The story's share block: 复制链接 and the WeChat QR code of its canonical address."""
    url = origin(request) + story["url"]

    def build():
        return _render("includes/share.html", {"url": url, "qr": Markup(qr_svg(url))})

    return cached(request, f"share:{story['url']}", build)


def query_key(query):
    """A short, fixed-length key part for a search query."""
    return hashlib.sha256(query.encode()).hexdigest()[:32]


def _items(request, name, ids, fetch, template_name, context):
    """The rendered items ``name`` of stories ``ids``, in that order, each kept under the
    content key; the missing ones are fetched at once (``fetch(missing)``, the live
    stories among them, called only on a miss) and rendered with ``template_name`` and
    ``context(article)``. Returned joined, as one piece of markup (empty, so false, when
    there is none): a template then prints a list at once instead of item by item."""
    if not ids:
        return Markup()
    prefix = f"newsroom:{name}:{content_key(request)}"
    keys = {pk: f"{prefix}:{pk}" for pk in ids}
    found = local.get_many(list(keys.values())) if settings.NEWSROOM_FRAGMENT_CACHE else {}
    missing = [pk for pk in ids if keys[pk] not in found]
    if missing:
        template = get_template(template_name)  # looked up on a miss only: it stats files
        rendered = {keys[a.pk]: template.render(context(a)) for a in fetch(missing)}
        if settings.NEWSROOM_FRAGMENT_CACHE:
            local.set_many(rendered, timeout=KEEP_SECONDS)
        found.update(rendered)
    return Markup("".join([found[keys[pk]] for pk in ids if keys[pk] in found]))


def listed(ids):
    """The live stories ``ids`` as lists show them (with their pictures), fetched in one
    query (and two for the pictures) when the first list of a page misses any: a page of
    several lists (the front page) costs three queries, not three a list."""
    found = None

    def fetch(missing):
        nonlocal found
        if found is None:
            rows = Article.objects.for_listing().with_pictures().filter(pk__in=ids)
            found = {article.pk: article for article in rows}
        return [found[pk] for pk in missing if pk in found]

    return fetch


def story_items(request, ids, show_section=True, lead=False, fetch=None):
    """The rendered list items of live stories ``ids``, with their first picture (large
    for the ``lead``, the front page's top story; a thumbnail otherwise). ``fetch``: the
    page's ``listed()`` of all the stories its lists show, or just these."""
    variant = "lead" if lead else "with-section" if show_section else "in-section"

    def context(article):
        return {
            "article": article,
            "photo": article.pictures[0] if article.pictures else None,
            "published": timezone.localtime(article.publish_at),
            "show_section": show_section,
            "lead": lead,
        }

    return _items(
        request, f"item:{variant}", ids, fetch or listed(ids), "includes/article_item.html",
        context,
    )  # fmt: skip


def search_items(request, query, ids):
    """Rendered search results (title, a passage around the query, section, date)."""
    from articles.search import snippet

    def fetch(missing):
        return Article.objects.live().select_related("section").filter(pk__in=missing)

    return _items(
        request, f"result:{query_key(query)}", ids, fetch,
        "includes/search_item.html", lambda a: {"article": a, "snippet": snippet(a, query)},
    )  # fmt: skip
