from django.conf import settings
from django.core.cache import caches
from django.utils.functional import SimpleLazyObject

from .caching import generation
from .fragments import FRAGMENT_SECONDS
from .models import Section

fragment_cache = caches["fragments"]


def sections(request):
    """The sections, read once per request (the navigation and the home page share them)."""
    if not hasattr(request, "_newsroom_sections"):
        # Cached until public content changes (the generation moves on).
        key = f"newsroom:sections:{generation(request)}"
        request._newsroom_sections = fragment_cache.get_or_set(
            key, lambda: list(Section.objects.all())
        )
    return request._newsroom_sections


def site(request):
    return {
        "site_name": settings.NEWSROOM_SITE_NAME,
        # Lazy: pages that do not draw the navigation do not query for it.
        "nav_sections": SimpleLazyObject(lambda: sections(request)),
        # For {% cache %} fragments: outdated by any change readers could see.
        "content_generation": SimpleLazyObject(lambda: str(generation(request))),
        "fragment_seconds": FRAGMENT_SECONDS if settings.NEWSROOM_FRAGMENT_CACHE else 0,
    }
