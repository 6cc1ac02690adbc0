"""The readers' site's cache: one layer, one key.

Everything kept for readers, whole pages and the fragments pages are built of, is kept under
the content key (articles.generation): the content generation and the next scheduled
publication. Any change readers could see, or a scheduled story coming due, moves the key
on, so nothing kept can be stale and no view knows about clocks.

- ``cached(request, name, build)``: ``build()``, kept in this process under the key.
- ``public_page``: marks a view's pages as the same for every reader; PageCacheMiddleware,
  first in the stack, stores them (Redis when REDIS_URL is set, shared by the workers, and
  a copy in each process) and answers from them before anything else runs.
"""

import functools
import hashlib
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.http import HttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import parse_http_date_safe, urlencode

from articles import generation
from newsroom.errors import DatabaseErrors, is_database_outage
from newsroom.text import strip_controls

# Fragments, and this process's copies of pages (the same key decides both).
local = caches["fragments"]
# However long the key stands, a fragment is dropped after this long.
FRAGMENT_SECONDS = generation.KEEP_SECONDS


def origin(request):
    """``scheme://host`` of the request, validated (ALLOWED_HOSTS) once per request: keys
    carry it, since canonical links do."""
    try:
        return request.newsroom_origin
    except AttributeError:
        request.newsroom_origin = f"{request.scheme}://{request.get_host()}"
        return request.newsroom_origin


def cached(request, name, build):
    """``build()``, kept under the content key and the page's scheme and host (canonical
    links carry them): articles.generation.keep."""
    return generation.keep(f"{name}:{origin(request)}", build, request)


# The query parameters public views read (a list's page, a search's query, a sitemap's
# page): the only ones a page is keyed on. Others (utm_source, a random cache buster)
# cannot change the page, so they neither miss the cache nor fill it.
PAGE_PARAMETERS = ("page", "q", "p")


def page_key(request):
    """The page's address as the views read it: scheme and host (canonical links carry
    them), path, and the last value of each parameter, a page number as a number, text
    without control characters and runs of spaces; hashed, so the key stays short. The
    content key is kept in the entry: one round trip fetches both."""
    params = []
    for name in PAGE_PARAMETERS if request.META.get("QUERY_STRING") else ():
        value = request.GET.get(name)
        if value is None:
            continue
        value = " ".join(strip_controls(value).split())
        if name != "q" and value.isascii() and value.isdigit():
            value = str(int(value))
        params.append((name, value))
    url = f"{origin(request)}{request.path}?{urlencode(params)}".encode()
    # v2: entries hold their headers as a mapping (before: a list), and the two never meet.
    return f"newsroom:page:v2:{hashlib.sha256(url).hexdigest()}"


# What makes a request conditional (answered 304 or 412 by get_conditional_response).
CONDITIONAL_HEADERS = frozenset(
    f"HTTP_IF_{name}" for name in ("MATCH", "NONE_MATCH", "MODIFIED_SINCE", "UNMODIFIED_SINCE")
)

# The newest content key any worker has used (see PageCacheMiddleware.announce).
NEWEST_KEY = "newsroom:newest-content-key"


def public_page(view):
    """Mark a view's pages as public: the same for every reader. PageCacheMiddleware keeps
    them (GET/HEAD, status 200); browsers and proxies are told how they may keep them."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        response.newsroom_public = response.status_code == 200
        browser_seconds = settings.NEWSROOM_BROWSER_CACHE_SECONDS
        if browser_seconds > 0:
            patch_cache_control(response, public=True, max_age=browser_seconds)
        else:
            # Kept, but checked every time: the ETag makes the answer a cheap 304, and a
            # withdrawn story is never shown from a browser's cache.
            patch_cache_control(response, public=True, no_cache=True)
        return response

    return wrapper


class PageCacheMiddleware:
    """Answer public pages from the page cache before anything else runs.

    Placed right after the health probes: a hit from this process's copy costs no round
    trip at all while the generation is fresh, one to the shared cache otherwise, and no
    session, authentication, URL resolving or view. What is stored is the finished response
    as the rest of the stack left it (body and headers, security headers and ETag
    included), so a hit answers exactly as a miss did, 304s included. Never stored: a
    response that sets a cookie or varies on it (it belongs to one reader).

    While the database is down, a page kept under the newest key any worker used is served
    (with its Age) for NEWSROOM_STALE_SECONDS; a page of an older key may show a story
    withdrawn since, so it never is. Anything else goes on to the view, which answers 503.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.announced = None

    def announce(self, content_key):
        """Share this process's new content key unless a newer one is shared already: a
        worker without one of its own serves stale pages under it in an outage. (Two
        workers may cross here; the worse case is a key 0.25 s older than the newest.)"""
        self.announced = content_key
        shared = cache.get(NEWEST_KEY)
        if shared is None or generation.order(content_key) > generation.order(shared):
            cache.set(NEWEST_KEY, content_key, timeout=None)

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or settings.NEWSROOM_PAGE_CACHE_SECONDS <= 0:
            return self.get_response(request)
        if request.path.startswith(self.desk_prefix()):
            return self.get_response(request)  # the desk's pages are never kept
        key = page_key(request)
        # A search's page is its reader's own question: kept only in this process's memory,
        # whose budget is bounded (NEWSROOM_FRAGMENT_CACHE_BYTES), never in the shared
        # cache, which random queries would otherwise fill for the stale hour.
        shared = cache if not request.GET.get("q") else None
        entry = local.get(key)  # this process's copy: then the shared cache is not asked
        try:
            content_key = generation.content_key(request)
        except DatabaseErrors as exc:
            if not is_database_outage(exc):
                raise
            # The newest key any worker used, or this process's own last one if newer (the
            # shared cache unreachable too): a worker that has served nothing since another
            # moved the key on still serves what readers last saw.
            known = [key for key in (generation.last_key, cache.get(NEWEST_KEY)) if key]
            current = max(known, key=generation.order, default=None)
            # This process's copy if it is of that key, else the shared cache's: a worker
            # holding an older copy of its own still serves the one another worker kept.
            if (entry is None or entry[0] != current) and shared:
                entry = shared.get(key)
            if entry is not None and entry[0] == current:
                return self.replay(request, entry, stale=True)
            return self.get_response(request)
        if content_key != self.announced:
            self.announce(content_key)
        if shared and (entry is None or entry[0] != content_key):
            entry = shared.get(key)
            if entry is not None and entry[0] == content_key:
                local.set(key, entry, timeout=self.retention())
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
            # The headers as Django holds them once checked (lower-case name -> (name,
            # value)): a hit puts them back as they are instead of checking each again.
            headers = dict(response.headers._store)
            entry = (content_key, response.content, headers, time.time())
            if shared:
                shared.set(key, entry, timeout=self.retention())
            local.set(key, entry, timeout=self.retention())
        return response

    @staticmethod
    @functools.cache
    def desk_prefix():
        """Where the desk lives (/admin/): no page there is public, so none is looked up."""
        return reverse("admin:index")

    @staticmethod
    def retention():
        """Kept while fresh, and NEWSROOM_STALE_SECONDS more, to be served in an outage."""
        return settings.NEWSROOM_PAGE_CACHE_SECONDS + settings.NEWSROOM_STALE_SECONDS

    @staticmethod
    def replay(request, entry, *, stale=False):
        _key, content, headers, stored_at = entry
        response = HttpResponse(content)
        response.headers._store = dict(headers)
        if stale:
            response["Age"] = str(max(0, int(time.time() - stored_at)))
        if not CONDITIONAL_HEADERS.intersection(request.META):
            return response  # nothing to compare: the page itself
        last_modified = parse_http_date_safe(response.get("Last-Modified"))
        return get_conditional_response(
            request, etag=response.get("ETag"), last_modified=last_modified, response=response
        )
