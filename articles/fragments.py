"""Rendered fragments of public pages, kept in the cache.

Rendering is most of what an uncached page costs: Django's template engine spends far more
time on a story's header, photos, body, corrections and links than the database does
finding them. Fragments are kept under the content generation (see ContentGeneration), so
any change readers could see outdates them all at once, in every worker; what a page
says about *which* stories are live (lists, related stories) is never kept here, it is
queried on every request (a scheduled story goes live without any save).
"""

from django.conf import settings
from django.core.cache import cache
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils.text import Truncator

from agencies.models import Officer

from .caching import generation
from .models import Article

# However long the generation stands, a fragment is dropped after this long.
FRAGMENT_SECONDS = 600


def story_queryset():
    return (
        Article.objects.live()
        .select_related("section")
        .prefetch_related(
            "photos",
            "corrections",
            "agencies",
            Prefetch("officers", queryset=Officer.objects.select_related("agency")),
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


def live_story(request, pk):
    """The rendered story ``pk`` if it is live, else None. Kept per generation, scheme and
    host (canonical links carry them); a story that is not live is never kept."""
    if not settings.NEWSROOM_FRAGMENT_CACHE:
        article = story_queryset().filter(pk=pk).first()
        return None if article is None else render_story(request, article)
    key = f"newsroom:story:{generation(request)}:{request.scheme}://{request.get_host()}:{pk}"
    story = cache.get(key)
    if story is None:
        article = story_queryset().filter(pk=pk).first()
        if article is None:
            return None
        story = render_story(request, article)
        cache.set(key, story, timeout=FRAGMENT_SECONDS)
    return story
