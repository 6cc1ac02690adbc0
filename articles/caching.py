"""The public page cache.

Pages are cached whole, under a key that carries a content generation: any change to what
readers can see (a story saved, published, withdrawn; a section, agency, officer, photo or
tag changed) bumps the generation, so every cached page is outdated at once, without
enumerating them. A story scheduled for later goes live without any save, so no page is kept
past the next scheduled publication time. Redis holds the cache when REDIS_URL is set (shared
by all web workers); local memory otherwise.
"""

import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.cache import patch_cache_control

GENERATION_KEY = "newsroom:generation"
NEXT_SCHEDULED_KEY = "newsroom:next-scheduled:{}"


def generation():
    value = cache.get(GENERATION_KEY)
    if value is None:
        # A fresh cache: start from the clock, so that a restarted cache never reuses the
        # keys of a generation it has forgotten.
        value = int(timezone.now().timestamp() * 1000)
        cache.add(GENERATION_KEY, value, timeout=None)
        value = cache.get(GENERATION_KEY, value)
    return value


def bump_generation(**kwargs):
    """Signal receiver: what readers see has changed."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet
        generation()


def _seconds_to_next_publication(gen):
    from .models import Article

    key = NEXT_SCHEDULED_KEY.format(gen)
    at = cache.get(key, "unknown")
    if at == "unknown":
        at = (
            Article.objects.scheduled()
            .order_by("publish_at")
            .values_list("publish_at", flat=True)
            .first()
        )
        timeout = None if at is None else max(1, int((at - timezone.now()).total_seconds()))
        cache.set(key, at, timeout=timeout or settings.NEWSROOM_PAGE_CACHE_SECONDS)
    if at is None:
        return None
    return max(0, int((at - timezone.now()).total_seconds()))


def public_page(view):
    """Cache a public page (GET/HEAD, status 200) on the server, and tell browsers and
    proxies how they may keep it."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = settings.NEWSROOM_PAGE_CACHE_SECONDS
        if request.method not in ("GET", "HEAD") or seconds <= 0:
            return view(request, *args, **kwargs)
        gen = generation()
        # Hashed: the key stays short however long the query string is.
        url = f"{request.get_host()}{request.get_full_path()}".encode()
        key = f"newsroom:page:{gen}:{hashlib.sha256(url).hexdigest()}"
        cached = cache.get(key)
        if cached is not None:
            response = cached
        else:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if response.status_code == 200:
                until_next = _seconds_to_next_publication(gen)
                timeout = seconds if until_next is None else min(seconds, until_next)
                if timeout > 0:
                    cache.set(key, response, timeout=timeout)
        browser_seconds = settings.NEWSROOM_BROWSER_CACHE_SECONDS
        if browser_seconds > 0:
            patch_cache_control(response, public=True, max_age=browser_seconds)
        else:
            # Kept, but checked every time: the ETag makes the answer a cheap 304, and a
            # withdrawn story is never shown from a browser's cache.
            patch_cache_control(response, public=True, no_cache=True)
        return response

    return wrapper
