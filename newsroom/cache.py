"""Cache backends: a per-process cache for rendered fragments (CACHES["fragments"]), and
Django's Redis cache without its per-call client construction and with Redis outages
treated as misses (CACHES["default"]).

Django's local-memory cache pickles every value on the way in and out, so that callers can
never share a mutable object; for fragments (strings, and tuples or lists that are never
changed after they are stored) that costs more than rendering some of them. This backend
keeps the objects themselves, evicts the least recently used ones past a memory budget
(OPTIONS["MAX_BYTES"], sizes measured once, when a value is stored) and honours timeouts.
Values must be treated as read-only by whoever gets them.

Keys carry the content generation (articles.generation), so a per-process cache is never
stale: another worker's change moves the generation on in the database.
"""

import functools
import logging
import pickle
import threading
import time
from collections import OrderedDict

from django.core.cache.backends import redis as redis_backend
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache


class _Store:
    """One cache's state, shared by every instance of it in the process (Django makes one
    instance per thread): the entries, their total size and the lock."""

    def __init__(self):
        self.entries = OrderedDict()  # key -> (value, expires at or None, size)
        self.bytes = 0
        self.lock = threading.Lock()


_stores = {}
_stores_lock = threading.Lock()


class ProcessMemoryCache(BaseCache):
    def __init__(self, name, params):
        super().__init__(params)
        self.max_bytes = int(params.get("OPTIONS", {}).get("MAX_BYTES", 32 * 1024 * 1024))
        with _stores_lock:
            self._store = _stores.setdefault(name, _Store())
        self._entries = self._store.entries
        self._lock = self._store.lock

    def validate_key(self, key):
        # Any string will do: keys never leave the process (Django's check, which warns
        # about keys memcached would refuse, walks every character of every key).
        pass

    def _expiry(self, timeout):
        return self.get_backend_timeout(timeout)  # the time it expires at, or None

    def _live(self, key):
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry[1] is not None and entry[1] <= time.time():
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        return entry

    def _drop(self, key):
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._store.bytes -= entry[2]

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            entry = self._live(key)
        return default if entry is None else entry[0]

    def get_many(self, keys, version=None):
        found = {}
        with self._lock:
            for key in keys:
                entry = self._live(self.make_and_validate_key(key, version=version))
                if entry is not None:
                    found[key] = entry[0]
        return found

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        size = len(key) + len(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
        with self._lock:
            self._drop(key)
            if size > self.max_bytes:
                return
            self._entries[key] = (value, self._expiry(timeout), size)
            self._store.bytes += size
            while self._store.bytes > self.max_bytes and self._entries:
                self._drop(next(iter(self._entries)))

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if self.has_key(key, version=version):
            return False
        self.set(key, value, timeout, version=version)
        return True

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            entry = self._live(key)
            if entry is None:
                return False
            self._entries[key] = (entry[0], self._expiry(timeout), entry[2])
            return True

    def has_key(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            return self._live(key) is not None

    def delete(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            present = key in self._entries
            self._drop(key)
        return present

    def clear(self):
        with self._lock:
            self._entries.clear()
            self._store.bytes = 0


class ReusingRedisCacheClient(redis_backend.RedisCacheClient):
    """Django's Redis client builds a new redis.Redis object (and its table of some 170
    response callbacks) for every cache call; this one builds one per connection pool and
    reuses it (redis.Redis is safe to share: it takes a connection from the pool for each
    command)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = super().get_client(key, write=write)
        return client


logger = logging.getLogger(__name__)


class _Outage:
    """The shared cache's health in this process: after a failure, the cache is skipped for
    RETRY_SECONDS (a Redis that hangs costs no request more than one timeout per interval),
    and the failure is logged once per LOG_SECONDS, not once per request."""

    RETRY_SECONDS = 5
    LOG_SECONDS = 60

    def __init__(self):
        self.down_since = None
        self.retry_at = 0.0
        self.logged_at = 0.0
        self.last_error = ""

    def failed(self, exc):
        now = time.monotonic()
        if self.down_since is None:
            self.down_since = time.time()
        self.retry_at = now + self.RETRY_SECONDS
        self.last_error = type(exc).__name__
        if now - self.logged_at >= self.LOG_SECONDS:
            self.logged_at = now
            logger.warning("page cache (Redis) unavailable, serving without it: %s", exc)

    def succeeded(self):
        if self.down_since is not None:
            logger.warning("page cache (Redis) is back")
        self.down_since = None

    @property
    def skipping(self):
        return self.down_since is not None and time.monotonic() < self.retry_at


outage = _Outage()


def _degrading(answer):
    """Run the cache call, or return ``answer(*args, **kwargs)`` (a miss, a dropped write)
    while Redis is unreachable: the page cache is an optimisation, and its outage must not
    fail pages."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            if outage.skipping:
                return answer(*args, **kwargs)
            try:
                result = method(self, *args, **kwargs)
            except self.errors as exc:
                outage.failed(exc)
                return answer(*args, **kwargs)
            if outage.down_since is not None:
                outage.succeeded()
            return result

        return wrapper

    return decorate


def _miss(key, default=None, version=None):
    return default


def _none(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


def _nothing_found(*args, **kwargs):
    return {}


def _all_failed(data, *args, **kwargs):
    return list(data)


class RedisCache(redis_backend.RedisCache):
    """Django's Redis cache, with ReusingRedisCacheClient; while Redis is unreachable every
    read is a miss and every write is dropped (see _Outage), so pages are rendered without
    the shared cache instead of failing. Connections time out quickly
    (OPTIONS socket_connect_timeout / socket_timeout, set in settings)."""

    def __init__(self, server, params):
        # redis-py is imported here, by a process that uses Redis (Django's backend imports it
        # when it first connects): importing it costs a process about 6 MB.
        from redis.exceptions import RedisError

        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        self.errors = RedisError

    get = _degrading(_miss)(redis_backend.RedisCache.get)
    get_many = _degrading(_nothing_found)(redis_backend.RedisCache.get_many)
    set = _degrading(_none)(redis_backend.RedisCache.set)
    set_many = _degrading(_all_failed)(redis_backend.RedisCache.set_many)
    add = _degrading(_false)(redis_backend.RedisCache.add)
    touch = _degrading(_false)(redis_backend.RedisCache.touch)
    delete = _degrading(_false)(redis_backend.RedisCache.delete)
    delete_many = _degrading(_none)(redis_backend.RedisCache.delete_many)
    has_key = _degrading(_false)(redis_backend.RedisCache.has_key)
    clear = _degrading(_false)(redis_backend.RedisCache.clear)
