"""The public page cache.

Pages are cached whole, under a key that carries the content generation (a number kept in
the database, see ContentGeneration): any change to what readers can see (a story saved,
published, withdrawn; a section, agency, officer, photo or tag changed) bumps it in the same
transaction, so every cached page is outdated at once, without enumerating them, in every
worker. A story scheduled for later goes live without any save, so no page is kept
past the next scheduled publication time. Redis holds the cache when REDIS_URL is set (shared
by all web workers); local memory otherwise. Views say which pages are public
(``public_page``); PageCacheMiddleware, first in the stack, stores and serves them.
"""

import contextlib
import contextvars
import functools
import hashlib
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection, transaction
from django.db.models import F
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import parse_http_date_safe

NEXT_SCHEDULED_KEY = "newsroom:next-scheduled:{}"
GENERATION_KEY = "newsroom:generation"
_MISSING = object()
# Copies of pages in this process, checked against the generation like the shared ones.
local_pages = caches["fragments"]
GENERATION_SQL = "SELECT value FROM {table} WHERE id = 1"


def _generation_from_database():
    from .models import ContentGeneration

    # Every public request may read it: plain SQL, without the ORM's query building.
    with connection.cursor() as cursor:
        cursor.execute(GENERATION_SQL.format(table=ContentGeneration._meta.db_table))
        row = cursor.fetchone()
    # No row: a database emptied without its migrations (a flushed test database).
    return row[0] if row else ContentGeneration.objects.get_or_create(pk=1)[0].value


def _mirror_seconds():
    return settings.NEWSROOM_GENERATION_MIRROR_SECONDS


def generation(request=None, mirrored=_MISSING):
    """The current content generation (see ContentGeneration). Read once per request, so
    that every key a request uses agrees.

    With a shared cache (Redis), the number is also mirrored there, so that a page cache
    hit needs no database at all: the mirror is rewritten as soon as a change commits,
    and expires after NEWSROOM_GENERATION_MIRROR_SECONDS in case a rewrite was lost (a
    process killed between its commit and the rewrite, two commits racing). With a
    per-process cache there is no mirror: the database is read."""
    if request is not None and hasattr(request, "newsroom_generation"):
        return request.newsroom_generation
    value = None
    if _mirror_seconds() > 0:
        value = cache.get(GENERATION_KEY) if mirrored is _MISSING else mirrored
    if value is None:
        value = _generation_from_database()
        if _mirror_seconds() > 0:
            # add, not set: a commit's rewrite may have landed since the read, and a
            # reader must never put an older number back.
            cache.add(GENERATION_KEY, value, timeout=_mirror_seconds())
    if request is not None:
        request.newsroom_generation = value
    return value


def _rewrite_mirror():
    if _mirror_seconds() > 0:
        cache.set(GENERATION_KEY, _generation_from_database(), timeout=_mirror_seconds())


_one_bump = contextvars.ContextVar("newsroom_one_bump", default=None)


@contextlib.contextmanager
def one_bump():
    """Inside this block (within a transaction), changes bump the generation once, as the
    block's last statement, instead of at the first change: the generation's row is then
    locked only until the commit, not for the whole of a long transaction (a page import),
    and like a workflow step the transaction locks its stories before the generation."""
    changed = [False]
    token = _one_bump.set(changed)
    try:
        yield
    finally:
        _one_bump.reset(token)
    if changed[0]:
        bump_generation()


def bump_generation(**kwargs):
    """Signal receiver: what readers see has changed. Runs in the transaction that makes
    the change, so the new number and the new content become visible together; the
    cache's mirror of it is rewritten once the transaction commits."""
    from .models import ContentGeneration

    changed = _one_bump.get()
    if changed is not None:
        changed[0] = True
        return

    if not ContentGeneration.objects.filter(pk=1).update(value=F("value") + 1):
        ContentGeneration.objects.get_or_create(pk=1)
    transaction.on_commit(_rewrite_mirror)


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


def page_key(request):
    # The scheme and host are part of the page (canonical links); hashed, the key stays
    # short however long the query string is. The generation is kept in the entry, so
    # that one round trip fetches both it and the page.
    url = f"{request.scheme}://{request.get_host()}{request.get_full_path()}".encode()
    return f"newsroom:page:{hashlib.sha256(url).hexdigest()}"


def public_page(view):
    """Mark a view's pages as public: the same for every reader. PageCacheMiddleware keeps
    them (GET/HEAD, status 200) until content changes or a scheduled story is due, and
    browsers and proxies are told how they may keep them."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = settings.NEWSROOM_PAGE_CACHE_SECONDS
        timeout = 0
        if request.method in ("GET", "HEAD") and seconds > 0:
            # Before rendering: a story due while the page renders must bound its life.
            until_next = _seconds_to_next_publication(generation(request))
            timeout = seconds if until_next is None else min(seconds, until_next)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if timeout > 0 and response.status_code == 200:
            response.page_cache_timeout = timeout
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

    Placed right after the health probes: a hit costs one cache round trip (the page and
    the generation's mirror; a database read instead when the cache is per process) and
    no session, authentication, URL resolving or view. What is stored is the
    finished response as the rest of the stack left it (body and headers, security headers
    and ETag included), so a hit answers exactly as a miss did, 304s included. Only
    responses that a ``public_page`` view marked are stored, and never one that sets a
    cookie or varies on it: those belong to one reader.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or settings.NEWSROOM_PAGE_CACHE_SECONDS <= 0:
            return self.get_response(request)
        key = page_key(request)
        # A copy of the page may be in this process already: then only the generation is
        # fetched (a few bytes) instead of the page.
        entry = local_pages.get(key)
        shared = entry is None
        if not shared:
            gen = generation(request)
        else:
            found = cache.get_many([GENERATION_KEY, key] if _mirror_seconds() > 0 else [key])
            gen = generation(request, mirrored=found.get(GENERATION_KEY))
            entry = found.get(key)
        # The entry carries its own deadline (the next scheduled publication, to the
        # second), rather than trusting the cache's coarser expiry alone.
        if entry is not None and entry[0] == gen and time.time() < entry[1]:
            if shared:
                local_pages.set(key, entry, timeout=max(1, int(entry[1] - time.time())))
            return self.replay(request, *entry[2:])
        response = self.get_response(request)
        timeout = getattr(response, "page_cache_timeout", 0)
        if (
            timeout > 0
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "cookie" not in response.get("Vary", "").lower()
        ):
            entry = (gen, time.time() + timeout, response.content, list(response.items()))
            cache.set(key, entry, timeout=timeout)
            local_pages.set(key, entry, timeout=timeout)
        return response

    @staticmethod
    def replay(request, content, headers):
        response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        last_modified = parse_http_date_safe(response.get("Last-Modified"))
        return get_conditional_response(
            request, etag=response.get("ETag"), last_modified=last_modified, response=response
        )
