from django.conf import settings
from django.core.cache import caches
from django.utils.functional import SimpleLazyObject

from .caching import generation
from .models import Section

fragment_cache = caches["fragments"]


def sections(request):
    """The sections, read once per request (the navigation and the home page share them)."""
    if not hasattr(request, "_newsroom_sections"):
        # Cached until public content changes (the generation moves on).
        key = f"newsroom:sections:{generation(request)}"
        request._newsroom_sections = fragment_cache.get_or_set(key, _sections_with_urls)
    return request._newsroom_sections


def _sections_with_urls():
    # Shared by every request of the generation: read-only from here on. Their addresses
    # are worked out once (reversing a URL costs more than drawing its link).
    sections = list(Section.objects.all())
    for section in sections:
        section.url = section.get_absolute_url()
    return sections


def site(request):
    return {
        "site_name": settings.NEWSROOM_SITE_NAME,
        # Lazy: pages that do not draw the navigation do not query for it.
        "nav_sections": SimpleLazyObject(lambda: sections(request)),
    }
