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
import select
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.db import DatabaseError, InterfaceError, connection, connections
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import parse_http_date_safe, urlencode

from newsroom.errors import is_database_outage
from newsroom.text import strip_controls

NEXT_SCHEDULED_KEY = "newsroom:next-scheduled:{}"
# PostgreSQL channel on which every bump announces the new generation (see generation()).
CHANNEL = "newsroom_generation"
# Copies of pages in this process, checked against the generation like the shared ones.
local_pages = caches["fragments"]
GENERATION_SQL = "SELECT value FROM {table} WHERE id = 1"
# What a database that cannot be reached raises (InterfaceError is not a DatabaseError).
DatabaseErrors = (DatabaseError, InterfaceError)


def _table():
    from .models import ContentGeneration

    return ContentGeneration._meta.db_table


def _can_listen():
    """Whether this thread's connection may trust what it was told of the generation: on
    PostgreSQL, outside any transaction (inside one, its own changes may have moved the
    generation, and notifications wait for the transaction's end anyway)."""
    return (
        settings.NEWSROOM_GENERATION_RECHECK_SECONDS > 0
        and connection.vendor == "postgresql"
        and connection.connection is not None
        and connection.autocommit
        and not connection.in_atomic_block
        # psycopg2 queues notifications on the connection; other drivers are read.
        and isinstance(getattr(connection.connection, "notifies", None), list)
    )


def _generation_from_database():
    # Every public request may read it: plain SQL, without the ORM's query building.
    with connection.cursor() as cursor:
        listen = _can_listen()
        heard = getattr(connection, "newsroom_heard", None)
        if listen and (heard is None or heard[0] is not connection.connection):
            # Listening first, in a statement of its own (LISTEN takes effect when its
            # transaction commits), then reading: a change committed after the LISTEN is
            # heard, one committed before it is read.
            cursor.execute(f"LISTEN {CHANNEL}")
        cursor.execute(GENERATION_SQL.format(table=_table()))
        row = cursor.fetchone()
    if row is None:
        # No row: a database emptied without its migrations (a flushed test database).
        # Started from the clock, as migration 0006 does: past any number used before.
        from .models import ContentGeneration

        start = {"value": int(time.time() * 1000)}
        row = (ContentGeneration.objects.get_or_create(pk=1, defaults=start)[0].value,)
    value = row[0]
    if listen:
        connection.newsroom_heard = (connection.connection, value, time.monotonic())
    return value


def _readable(raw):
    poller = select.poll()
    poller.register(raw.fileno(), select.POLLIN)
    return bool(poller.poll(0))


def _heard_generation():
    """The generation as this thread's connection last read or was told it, without a
    query; None when it must be read: not listening yet, inside a transaction, the
    connection lost, or NEWSROOM_GENERATION_RECHECK_SECONDS gone by since the last read."""
    heard = getattr(connection, "newsroom_heard", None)
    if heard is None or not _can_listen() or heard[0] is not connection.connection:
        return None
    raw, value, read_at = heard
    try:
        raw.poll()  # takes in what has arrived; no round trip
        unexpected = _readable(raw)
    except connection.Database.Error:
        unexpected = True
    if unexpected:
        # Something other than a notification is waiting, such as the server closing
        # the connection: if it is lost, the read that follows reconnects (and listens).
        if not connection.is_usable():
            connection.newsroom_heard = None
            connection.close()
        return None
    while raw.notifies:
        value = max(value, int(raw.notifies.pop().payload))
    if time.monotonic() - read_at > settings.NEWSROOM_GENERATION_RECHECK_SECONDS:
        return None
    connection.newsroom_heard = (raw, value, read_at)
    return value


def generation(request=None):
    """The current content generation (see ContentGeneration). Read once per request, so
    that every key a request uses agrees.

    On PostgreSQL (with psycopg2), a worker's connection listens on CHANNEL, where every
    bump announces its number when it commits: a request then learns the generation from
    what has arrived on its connection, without a query. The server sends notifications
    to the listening connections as it commits, so other workers hear of a change moments
    after it (a reader whose request crosses the commit may still get the page as it
    was). It is still read every NEWSROOM_GENERATION_RECHECK_SECONDS, in case a
    connection went quiet without an error (or a pooler in transaction mode, which does
    not pass notifications on: then changes take up to that long to show). Elsewhere
    (SQLite, psycopg 3) and inside transactions, it is read."""
    if request is not None and hasattr(request, "newsroom_generation"):
        return request.newsroom_generation
    global last_generation
    value = _heard_generation()
    if value is None:
        value = _generation_from_database()
    last_generation = value
    if request is not None:
        request.newsroom_generation = value
    return value


# The content generation this process last knew: a page kept under it was what readers saw
# when the database went away. A page of an older generation may show a story withdrawn
# since (or text replaced since), so it is never served stale.
last_generation = None


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


def set_generation(sql, params=(), using="default"):
    """Run ``sql``, an UPDATE of the generation's row ending in ``RETURNING value``, and
    announce the new number; returns it (None when there is no row). On PostgreSQL the
    announcement is a NOTIFY, sent by the server when (and only if) the transaction
    commits."""
    db = connections[using]
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            sql = (
                f"WITH bumped AS ({sql}) "
                f"SELECT value, pg_notify('{CHANNEL}', value::text) FROM bumped"
            )
        cursor.execute(sql.format(table=_table()), params)
        row = cursor.fetchone()
    return None if row is None else row[0]


def bump_generation(**kwargs):
    """Signal receiver: what readers see has changed. Runs in the transaction that makes
    the change, so the new number and the new content become visible together, in every
    worker."""
    from .models import ContentGeneration

    changed = _one_bump.get()
    if changed is not None:
        changed[0] = True
        return

    if set_generation("UPDATE {table} SET value = value + 1 WHERE id = 1 RETURNING value") is None:
        ContentGeneration.objects.get_or_create(pk=1)


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


def origin(request):
    """``scheme://host`` of the request, validated (ALLOWED_HOSTS) once per request: page
    and fragment keys carry it, since canonical links do."""
    try:
        return request.newsroom_origin
    except AttributeError:
        request.newsroom_origin = f"{request.scheme}://{request.get_host()}"
        return request.newsroom_origin


# The query parameters public views read (a list's page, a search's query, a sitemap's
# page): the only ones a cached page is keyed on. Others (utm_source, a random cache
# buster) cannot change the page, so they neither miss the cache nor fill it.
PAGE_PARAMETERS = ("page", "q", "p")


def page_key(request):
    # The scheme and host are part of the page (canonical links); hashed, the key stays
    # short however long the query string is. The generation is kept in the entry, so
    # that one round trip fetches both it and the page.
    # As the views read them: the last value of each, a page number as a number, text
    # without control characters and runs of spaces.
    params = []
    for name in PAGE_PARAMETERS:
        value = request.GET.get(name)
        if value is None:
            continue
        value = " ".join(strip_controls(value).split())
        if name != "q" and value.isascii() and value.isdigit():
            value = str(int(value))
        params.append((name, value))
    query = urlencode(params)
    url = f"{origin(request)}{request.path}?{query}".encode()
    return f"newsroom:page:{hashlib.sha256(url).hexdigest()}"


def _retention(fresh_seconds):
    """How long a page is kept: while it is fresh, and NEWSROOM_STALE_SECONDS more, to be
    served (with its Age) if the database goes down."""
    return max(1, int(fresh_seconds)) + settings.NEWSROOM_STALE_SECONDS


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

    Placed right after the health probes: a hit from this process's copy costs no round
    trip at all on PostgreSQL (the generation is heard, see generation()), one to the
    shared cache otherwise, and no session, authentication, URL resolving or view. What
    is stored is the finished response as the rest of the stack left it (body and headers,
    security headers and ETag included), so a hit answers exactly as a miss did, 304s
    included. Only
    responses that a ``public_page`` view marked are stored, and never one that sets a
    cookie or varies on it: those belong to one reader.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or settings.NEWSROOM_PAGE_CACHE_SECONDS <= 0:
            return self.get_response(request)
        key = page_key(request)
        # A copy of the page may be in this process already: then the shared cache is not
        # asked at all.
        entry = local_pages.get(key)
        try:
            gen = generation(request)
        except DatabaseErrors as exc:
            if not is_database_outage(exc):
                raise
            # The database is down: a page kept from before is better than none. Anything
            # else goes on to the view, which answers 503 (newsroom.errors).
            for stale in (entry, cache.get(key) if entry is None else None):
                if stale is not None and stale[0] == last_generation:
                    return self.replay(request, stale[2], stale[3], stored_at=stale[4])
            return self.get_response(request)
        shared = entry is None
        if shared:
            entry = cache.get(key)
        # The entry carries its own deadline (the next scheduled publication, to the
        # second), rather than trusting the cache's coarser expiry alone.
        if entry is not None and entry[0] == gen and time.time() < entry[1]:
            if shared:
                local_pages.set(key, entry, timeout=_retention(entry[1] - time.time()))
            return self.replay(request, entry[2], entry[3])
        response = self.get_response(request)
        timeout = getattr(response, "page_cache_timeout", 0)
        if (
            timeout > 0
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "cookie" not in response.get("Vary", "").lower()
        ):
            now = time.time()
            entry = (gen, now + timeout, response.content, list(response.items()), now)
            cache.set(key, entry, timeout=_retention(timeout))
            local_pages.set(key, entry, timeout=_retention(timeout))
        return response

    @staticmethod
    def replay(request, content, headers, *, stored_at=None):
        response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        if stored_at is not None:  # served stale, while the database is down
            response["Age"] = str(max(0, int(time.time() - stored_at)))
        last_modified = parse_http_date_safe(response.get("Last-Modified"))
        return get_conditional_response(
            request, etag=response.get("ETag"), last_modified=last_modified, response=response
        )
