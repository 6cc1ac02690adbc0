"""Rendered fragments of public pages: a story's own part of its page, its related stories,
and list items, each kept under the content key (public.cache).

Rendering is most of what an uncached page costs: Django's template engine spends far more
time on a story's header, photos, body, corrections and links than the database does
finding them.
"""

import hashlib

from django.conf import settings
from django.db.models import Q
from django.template.loader import get_template, render_to_string
from markupsafe import Markup

from articles.generation import content_key
from articles.models import Article, TaggedArticle
from chinese.typography import truncate

from .cache import FRAGMENT_SECONDS, cached, local

RELATED = 5
RELATED_CANDIDATES = 50


def render_story(request, article):
    """The parts of an article page that belong to the story itself."""
    context = {"article": article}
    return {
        "pk": article.pk,
        "slug": article.slug,
        "url": article.get_absolute_url(),
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
        "head": render_to_string("articles/story_head.html", context, request),
        "main": render_to_string("articles/story_main.html", context, request),
        "agency_ids": [agency.pk for agency in article.agencies.all()],
        "tag_ids": [tag.pk for tag in article.tags.all()],
    }


def live_story(request, pk):
    """The rendered story ``pk`` if it is live, else None."""

    def build():
        article = (
            Article.objects.live()
            .select_related("section")
            .prefetch_related(
                "photos__image__renditions", "corrections", "agencies", "officers", "tags"
            )
            .filter(pk=pk)
            .first()
        )
        return None if article is None else render_story(request, article)

    return cached(request, f"story:{pk}", build)


def related_stories(request, story):
    """The newest live stories sharing an agency or a tag with ``story``, rendered (empty
    when there are none)."""

    def build():
        pk, agency_ids, tag_ids = story["pk"], story["agency_ids"], story["tag_ids"]
        if not agency_ids and not tag_ids:
            return Markup()
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
        rows = (
            Article.objects.live()
            .filter(Q(pk__in=by_agency) | Q(pk__in=by_tag))
            .exclude(pk=pk)
            .only("pk", "slug", "title", "publish_at")
            .order_by("-publish_at", "-pk")[:RELATED]
        )
        related = [{"url": a.get_absolute_url(), "title": a.title} for a in rows]
        html = render_to_string("includes/related.html", {"related": related}, using="jinja2")
        return Markup(html)

    return cached(request, f"related:{story['pk']}", build)


def query_key(query):
    """A short, fixed-length key part for a search query."""
    return hashlib.sha256(query.encode()).hexdigest()[:32]


def _items(request, name, ids, stories, template_name, context):
    """The rendered items ``name`` of stories ``ids``, in that order, each kept under the
    content key; the missing ones are fetched in one query (``stories()``, a queryset of
    live stories, built only on a miss) and rendered with ``template_name`` and
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
        rendered = {
            keys[a.pk]: template.render(context(a)) for a in stories().filter(pk__in=missing)
        }
        if settings.NEWSROOM_FRAGMENT_CACHE:
            local.set_many(rendered, timeout=FRAGMENT_SECONDS)
        found.update(rendered)
    return Markup("".join([found[keys[pk]] for pk in ids if keys[pk] in found]))


def story_items(request, ids, show_section=True, lead=False):
    """The rendered list items of live stories ``ids``, with their first picture (large
    for the ``lead``, the front page's top story; a thumbnail otherwise)."""
    variant = "lead" if lead else "with-section" if show_section else "in-section"
    return _items(
        request, f"item:{variant}", ids, lambda: Article.objects.for_listing().with_pictures(),
        "includes/article_item.html",
        lambda a: {"article": a, "show_section": show_section, "lead": lead},
    )  # fmt: skip


def search_items(request, query, ids):
    """Rendered search results (title, a passage around the query, section, date)."""
    from articles.search import snippet

    def stories():
        return Article.objects.live().select_related("section")

    return _items(
        request, f"result:{query_key(query)}", ids, stories,
        "includes/search_item.html", lambda a: {"article": a, "snippet": snippet(a, query)},
    )  # fmt: skip
