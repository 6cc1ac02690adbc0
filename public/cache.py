"""The readers' site's cache: one layer, under the content key (articles.generation).

- ``cached(request, name, build)``: ``build()``, kept in this process under the key.
- ``public_page``: a view's pages are the same for every reader. PageCacheMiddleware, first
  in the stack, keeps them (in Redis when REDIS_URL is set, shared by the workers, and a
  copy in each process) and answers from them before anything else runs.
"""

import functools
import hashlib
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import parse_http_date_safe, urlencode

from articles import generation
from newsroom.errors import DatabaseErrors, is_database_outage
from newsroom.middleware import StaffOnlyMiddleware
from newsroom.text import strip_controls

# Fragments, and this process's copies of pages (the same key decides both).
local = caches["fragments"]
# The query parameters public views read: the only ones a page is keyed on (utm_source or a
# cache buster cannot change a page, so they neither miss the cache nor fill it).
PAGE_PARAMETERS = ("page", "q", "p")
CONDITIONS = frozenset(
    f"HTTP_IF_{h}" for h in ("MATCH", "NONE_MATCH", "MODIFIED_SINCE", "UNMODIFIED_SINCE")
)


def origin(request):
    """``scheme://host`` of the request, validated (ALLOWED_HOSTS) once per request: keys
    carry it, since canonical links do."""
    try:
        return request.newsroom_origin
    except AttributeError:
        request.newsroom_origin = f"{request.scheme}://{request.get_host()}"
        return request.newsroom_origin


def cached(request, name, build):
    """``build()``, kept under the content key and the site's address (generation.keep)."""
    return generation.keep(f"{name}:{origin(request)}", build, request)


def page_key(request):
    """The page's address as views read it, hashed: scheme, host, path and the last value of
    each parameter (a number as a number, text without control characters or runs of
    spaces)."""
    params = []
    for name in PAGE_PARAMETERS if request.META.get("QUERY_STRING") else ():
        if (value := request.GET.get(name)) is not None:
            value = " ".join(strip_controls(value).split())
            number = name != "q" and value.isascii() and value.isdigit()
            params.append((name, str(int(value)) if number else value))
    url = f"{origin(request)}{request.path}?{urlencode(params)}".encode()
    return f"newsroom:page:v3:{hashlib.sha256(url).hexdigest()}"


def public_page(view):
    """Mark a view's pages as public. Browsers and proxies keep them for
    NEWSROOM_BROWSER_CACHE_SECONDS, or (0) check them every time: a cheap 304, and a
    withdrawn story is never shown from a browser's cache."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if callable(getattr(response, "render", None)):
            response = response.render()
        response.newsroom_public = response.status_code == 200
        seconds = settings.NEWSROOM_BROWSER_CACHE_SECONDS
        kept = {"max_age": seconds} if seconds > 0 else {"no_cache": True}
        patch_cache_control(response, public=True, **kept)
        return response

    return wrapper


class PageCacheMiddleware:
    """Answer public pages from the page cache before anything else runs.

    Kept is the finished response as the rest of the stack left it (security headers and
    ETag included), so a hit answers as a miss did, 304s included; never one that sets or
    varies on a cookie. A hit costs no round trip while this process's copy is of the key,
    and no session, URL resolving or view.

    While the database is down, a page of the newest generation any worker read is served
    (with its Age) for NEWSROOM_STALE_SECONDS; one of an older generation may show a story
    withdrawn since, so it never is, and the view answers 503.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method not in ("GET", "HEAD")
            or settings.NEWSROOM_PAGE_CACHE_SECONDS <= 0
            or request.path.startswith(StaffOnlyMiddleware.prefixes()[0])  # the desk
        ):
            return self.get_response(request)
        key, seconds = page_key(request), settings.NEWSROOM_PAGE_CACHE_SECONDS
        # A search is its reader's own question: kept in this process's bounded memory only.
        shared = cache if not request.GET.get("q") else None
        entry = local.get(key)
        try:
            content_key = generation.content_key(request)
        except DatabaseErrors as exc:
            if not is_database_outage(exc):
                raise
            return self.stale(request, key, entry, shared) or self.get_response(request)
        if shared and (entry is None or entry[0] != content_key):
            entry = shared.get(key)
            if entry is not None and entry[0] == content_key:
                local.set(key, entry, timeout=seconds + settings.NEWSROOM_STALE_SECONDS)
        if entry is not None and entry[0] == content_key:
            return self.replay(request, entry)
        response = self.get_response(request)
        if (
            getattr(response, "newsroom_public", False)
            and response.status_code == 200  # not a 304 made for this request's ETag
            and not response.streaming
            and not response.cookies
            and "cookie" not in response.get("Vary", "").lower()
        ):
            # The headers as Django holds them, checked: a hit puts them back as they are.
            entry = (content_key, response.content, dict(response.headers._store), time.time())
            for store in filter(None, (shared, local)):
                store.set(key, entry, timeout=seconds + settings.NEWSROOM_STALE_SECONDS)
        return response

    def stale(self, request, key, own, shared):
        """The kept page of the newest generation this or any worker read, if any: this
        process's copy, or the shared cache's."""
        newest = generation.newest_generation()
        for entry in (own, shared and shared.get(key)):
            if entry is not None and entry[0].generation == newest:
                return self.replay(request, entry, stale=True)
        return None

    @staticmethod
    def replay(request, entry, *, stale=False):
        _key, content, headers, stored_at = entry
        response = HttpResponse(content)
        response.headers._store = dict(headers)
        if stale:
            response["Age"] = str(max(0, int(time.time() - stored_at)))
        if not CONDITIONS.intersection(request.META):
            return response  # nothing to compare: the page itself
        last_modified = parse_http_date_safe(response.get("Last-Modified"))
        return get_conditional_response(
            request, etag=response.get("ETag"), last_modified=last_modified, response=response
        )
