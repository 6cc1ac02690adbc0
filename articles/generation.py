"""The content key, on which everything kept for readers is kept.

What readers see changes in two ways only: something they can see is saved, or a scheduled
story's time comes. The first moves the content generation on (a number in the database,
bumped in the transaction that makes the change, so never seen before it commits); the
second passes the next scheduled publication. The key is both: whatever is kept under it is
correct by construction, and no caller knows about clocks.

A process reads the generation again every NEWSROOM_GENERATION_RECHECK_SECONDS, once its own
change commits, and always inside a transaction; the next publication with a new generation,
once it comes due, when the clock steps back, and every KEEP_SECONDS.
"""

import contextlib
import contextvars
import functools
import math
import time
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection, connections, transaction
from django.db.models import Min

# Kept fragments, per process; however long the key stands, one is dropped after this long.
_kept = caches["fragments"]
KEEP_SECONDS = 600


class Key(NamedTuple):
    generation: int
    due: float  # the next scheduled publication (a timestamp), inf when none

    def __str__(self):
        return f"{self.generation}.{self.due:.6f}"


# (key, monotonic and wall-clock times it was read) of this process's last reading; the
# newest key it used. In an outage, public.cache serves only pages of the newest generation
# any process read, which each shares (as NEWEST, in the shared cache) as it reads it.
_known = None
newest = None
NEWEST = "newsroom:newest-generation"


def _read_generation():
    from .models import ContentGeneration

    # Plain SQL, without the ORM's query building: the desk reads it on every request.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {ContentGeneration._meta.db_table} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else _start()


def _start(using="default"):
    """No row (a database flushed without its migrations): one started from the clock, past
    any number used before."""
    from .models import ContentGeneration

    start = {"value": int(time.time() * 1e6)}
    return ContentGeneration.objects.using(using).get_or_create(pk=1, defaults=start)[0].value


def forget():
    """Read the key again at the next request."""
    global _known
    _known = None


def committed(value):
    """A change of this process's has committed, moving the generation to ``value``: read
    the key again at the next request, and share ``value`` at once (a page kept before the
    change must not be served in an outage, whoever kept it)."""
    global newest
    forget()
    if newest is None or value > newest.generation:
        newest = Key(value, -math.inf)
    if value > (cache.get(NEWEST) or 0):
        cache.set(NEWEST, value, timeout=None)


def newest_generation():
    """The newest generation this or any process has read (0: none)."""
    return max(newest.generation if newest else 0, cache.get(NEWEST) or 0)


def content_key(request=None, fresh=False):
    """The content key, read once per request (every key a request uses then agrees);
    ``fresh``: the generation read from the database, not trusted from this process's last
    reading (the desk: an editor's own change shows on the next page, whichever worker
    answers it)."""
    global _known, newest
    if request is not None and hasattr(request, "newsroom_content_key"):
        return request.newsroom_content_key
    known, now, clock = _known, time.monotonic(), time.time()
    in_transaction = connection.in_atomic_block
    valid = known is not None and known[2] <= clock < min(known[0].due, known[2] + KEEP_SECONDS)
    recheck = settings.NEWSROOM_GENERATION_RECHECK_SECONDS
    if valid and not (fresh or in_transaction) and now - known[1] < recheck:
        key = known[0]
    else:
        gen = _read_generation()
        if valid and gen == known[0].generation:
            key, clock = known[0], known[2]  # the same schedule
        else:
            from .models import Article

            due = Article.objects.scheduled().aggregate(due=Min("publish_at"))["due"]
            key = Key(gen, due.timestamp() if due else math.inf)
        # Read in a transaction, the generation is trusted no longer than it (its own
        # change may be rolled back), the schedule as long as the generation stands.
        _known = (key, -math.inf if in_transaction else now, clock)
    if not in_transaction and (newest is None or key > newest):  # committed, and newer
        if newest is not None:
            _kept.clear()  # nothing kept under an older key can be used again
        if key.generation > (cache.get(NEWEST) or 0):
            cache.set(NEWEST, key.generation, timeout=None)
        newest = key
    if request is not None:
        request.newsroom_content_key = key
    return key


def keep(name, build, request=None, fresh=False):
    """``build()``, kept in this process under ``name`` and the content key (``fresh``: see
    ``content_key``). What it returns is shared by every request until the key moves on:
    read-only."""
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
    """Inside this block (within a transaction), changes bump the generation once, as its
    last statement: the generation's row is then locked only until the commit, not for the
    whole of a long transaction (a page import), and after the block's stories."""
    changed = [False]
    token = _one_bump.set(changed)
    try:
        yield
    finally:
        _one_bump.reset(token)
    if changed[0]:
        bump_generation()


def bump_generation(using="default", **kwargs):
    """Signal receiver: what readers see has changed. Runs in the transaction that makes
    the change, so the new number and the new content become visible together. The number
    is the clock's (in microseconds) when that is greater: one taken by a transaction
    rolled back is never taken again, so nothing kept under it is ever used."""
    from .models import ContentGeneration

    if (changed := _one_bump.get()) is not None:
        changed[0] = True
        return
    table, now = ContentGeneration._meta.db_table, int(time.time() * 1e6)
    greatest = "GREATEST" if connections[using].vendor == "postgresql" else "MAX"
    with connections[using].cursor() as cursor:
        sql = f"UPDATE {table} SET value = {greatest}(value + 1, %s) WHERE id = 1 RETURNING value"
        cursor.execute(sql, [now])
        row = cursor.fetchone()
    value = row[0] if row else _start(using)
    transaction.on_commit(functools.partial(committed, value), using=using)
