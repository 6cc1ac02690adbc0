"""The content key: what every public cache is keyed on.

Readers see live stories, and which stories are live changes in exactly two ways: something
readers can see is saved (a story edited, published or withdrawn; a section, agency,
officer, photo or tag changed), or a scheduled story's time comes. The first moves the
content generation on (a number kept in the database, ContentGeneration, bumped in the
transaction that makes the change, so it is never seen before the change commits); the
second moves the time of the next scheduled publication after now. The content key is
both, ``"<generation>.<next publication>"``: a page or fragment of live stories kept under
it is correct by construction, and no caller knows about clocks.

Each process reads the generation at most every NEWSROOM_GENERATION_RECHECK_SECONDS (and at
once after its own changes commit); inside a transaction it always reads it, since its
own changes may have moved it. The schedule (the next few publication times) is read once
per generation and again only when the clock passes the last of them or steps back.
"""

import bisect
import contextlib
import contextvars
import time

from django.conf import settings
from django.core.cache import caches
from django.db import connection, connections, transaction
from django.utils import timezone

SCHEDULE_SIZE = 32
# However long the generation stands, the schedule is read again after this long (a change
# made without moving the generation, such as a bulk update, is seen within it).
SCHEDULE_SECONDS = 600
# Kept fragments, per process; however long the key stands, one is dropped after this long.
_kept = caches["fragments"]
KEEP_SECONDS = 600

# This process's latest reading of the generation outside a transaction: (value, when).
_known = None
# The content key this process last used: pages kept under it were what readers saw when
# the database went away (see public.cache), and only those are served stale.
last_key = None
# The newest content key this process has used. Keys only move on, so when a newer one
# comes, nothing kept under an older one (fragments, pages, lists, permission sets) can be
# used again: the per-process cache is emptied then, instead of holding dead entries until
# its memory budget pushes them out.
_newest = None


def _table():
    from .models import ContentGeneration

    return ContentGeneration._meta.db_table


def _read():
    # Plain SQL, without the ORM's query building: every public request may need it.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {_table()} WHERE id = 1")
        row = cursor.fetchone()
    if row is None:
        # No row: a database emptied without its migrations (a flushed test database).
        # Started from the clock, as migration 0006 does: past any number used before.
        from .models import ContentGeneration

        start = {"value": int(time.time() * 1000)}
        row = (ContentGeneration.objects.get_or_create(pk=1, defaults=start)[0].value,)
    return row[0]


def forget():
    """Read the generation (and the schedule) again at the next request, after a change of
    this process's."""
    global _known, _schedule
    _known = _schedule = None


def generation(fresh=False):
    """The content generation, as this process last read it, or ``fresh`` from the
    database (the desk, where an editor's own change must show on the next page, whichever
    worker answers it)."""
    global _known
    known, now = _known, time.monotonic()
    if connection.in_atomic_block:
        return _read()
    recheck = settings.NEWSROOM_GENERATION_RECHECK_SECONDS
    if not fresh and known is not None and now - known[1] < recheck:
        return known[0]
    value = _read()
    _known = (value, now)
    return value


# The schedule as of one generation: (generation, read at, the next publication times, all
# of them?).
_schedule = None


def _next_publication(gen):
    """The first scheduled publication after now, as of generation ``gen``, or None."""
    global _schedule
    from .models import Article

    now = timezone.now()
    kept = _schedule
    if (
        kept is None
        or kept[0] != gen
        or now < kept[1]
        or (now - kept[1]).total_seconds() > SCHEDULE_SECONDS
        or (not kept[3] and (not kept[2] or kept[2][-1] <= now))
    ):
        scheduled = Article.objects.scheduled().order_by("publish_at")
        times = list(scheduled.values_list("publish_at", flat=True)[:SCHEDULE_SIZE])
        kept = _schedule = (gen, now, times, len(times) < SCHEDULE_SIZE)
    times = kept[2]
    at = bisect.bisect_right(times, now)
    return times[at] if at < len(times) else None


def content_key(request=None, fresh=False):
    """``"<generation>.<next publication>"``, read once per request (every key a request
    uses then agrees); ``fresh``: the generation read from the database, not trusted from
    this process's last reading."""
    global last_key
    if request is not None and hasattr(request, "newsroom_content_key"):
        return request.newsroom_content_key
    gen = generation(fresh)
    due = _next_publication(gen)
    key = f"{gen}.{int(due.timestamp() * 1e6) if due else '-'}"
    last_key = key
    _moved_on(key)
    if request is not None:
        request.newsroom_content_key = key
    return key


def order(key):
    """Content keys in the order they follow one another: by generation, then by the next
    publication ("-", none left, last)."""
    gen, due = key.split(".")
    return int(gen), float("inf") if due == "-" else int(due)


def _moved_on(key):
    global _newest
    if _newest is None or order(key) > order(_newest):
        if _newest is not None:
            _kept.clear()
        _newest = key


def keep(name, build, request=None, fresh=False):
    """``build()``, kept in this process under ``name`` and the content key (see
    ``content_key`` for ``fresh``): correct by construction for anything made of stories,
    sections, agencies, officers, photos and tags. What it returns is shared by every
    request until the key moves on: read-only."""
    if not settings.NEWSROOM_FRAGMENT_CACHE:
        return build()
    key = f"newsroom:{name}:{content_key(request, fresh)}"
    value = _kept.get(key)
    if value is None:
        value = build()
        if value is not None:
            _kept.set(key, value, timeout=KEEP_SECONDS)
    return value


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
    """Run ``sql``, an UPDATE of the generation's row ending in ``RETURNING value``; returns
    the new number (None when there is no row). This process reads it again once the
    transaction commits."""
    with connections[using].cursor() as cursor:
        cursor.execute(sql.format(table=_table()), params)
        row = cursor.fetchone()
    transaction.on_commit(forget, using=using)
    return None if row is None else row[0]


def bump_generation(**kwargs):
    """Signal receiver: what readers see has changed. Runs in the transaction that makes
    the change, so the new number and the new content become visible together."""
    from .models import ContentGeneration

    changed = _one_bump.get()
    if changed is not None:
        changed[0] = True
        return
    if set_generation("UPDATE {table} SET value = value + 1 WHERE id = 1 RETURNING value") is None:
        ContentGeneration.objects.get_or_create(pk=1)
