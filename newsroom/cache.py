"""Cache backends: a per-process cache for rendered fragments (CACHES["fragments"]), and
Django's Redis cache without its per-call client construction (CACHES["default"]).

Django's local-memory cache pickles every value on the way in and out, so that callers can
never share a mutable object; for fragments (strings, and tuples or lists that are never
changed after they are stored) that costs more than rendering some of them. This backend
keeps the objects themselves, evicts the least recently used ones past a memory budget
(OPTIONS["MAX_BYTES"], sizes measured once, when a value is stored) and honours timeouts.
Values must be treated as read-only by whoever gets them.

Keys carry the content generation (articles.caching), so a per-process cache is never
stale: another worker's change moves the generation on in the database.
"""

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


class RedisCache(redis_backend.RedisCache):
    """Django's Redis cache, with ReusingRedisCacheClient."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
