"""The per-process fragment cache (newsroom.cache.ProcessMemoryCache)."""

import time_machine
from django.utils import timezone

from newsroom.cache import ProcessMemoryCache


def make(max_bytes=10_000):
    cache = ProcessMemoryCache(f"test-{max_bytes}", {"OPTIONS": {"MAX_BYTES": max_bytes}})
    cache.clear()
    return cache


def test_values_are_kept_as_they_are_not_copied():
    cache = make()
    rows = [(1, "甲"), (2, "乙")]
    cache.set("rows", rows)
    assert cache.get("rows") is rows
    assert cache.get_many(["rows", "missing"]) == {"rows": rows}
    assert cache.get("missing", "默认") == "默认"


def test_timeouts_are_honoured():
    cache = make()
    cache.set("short", "值", timeout=10)
    cache.set("forever", "值", timeout=None)
    assert cache.add("short", "别的值") is False
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=11)):
        assert cache.get("short") is None
        assert cache.get("forever") == "值"
        assert cache.add("short", "新值") is True


def test_the_least_recently_used_go_first_past_the_budget():
    cache = make(max_bytes=3_000)
    for n in range(3):
        cache.set(f"k{n}", "字" * 300)  # about 900 bytes each
    cache.get("k0")  # used: k1 is now the oldest
    cache.set("k3", "字" * 300)
    assert cache.get("k1") is None
    assert [cache.get(k) is not None for k in ("k0", "k2", "k3")] == [True, True, True]
    cache.set("huge", "字" * 5_000)  # larger than the budget: not kept at all
    assert cache.get("huge") is None and cache.get("k3") is not None


def test_delete_touch_and_clear():
    cache = make()
    cache.set("k", 1, timeout=5)
    assert cache.touch("k", timeout=100)
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=50)):
        assert cache.get("k") == 1
    assert cache.delete("k") is True and cache.delete("k") is False
    cache.set("a", 1)
    cache.clear()
    assert cache.get("a") is None


def test_the_redis_cache_reuses_its_client():
    import pytest
    import redis

    from newsroom.cache import RedisCache

    cache = RedisCache("redis://127.0.0.1:6379/6", {})
    try:
        cache.set("newsroom-test", {"值": 1}, timeout=5)
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    assert cache.get_many(["newsroom-test", "missing"]) == {"newsroom-test": {"值": 1}}
    client = cache._cache.get_client()
    assert cache._cache.get_client() is client
    cache.delete("newsroom-test")


def test_instances_of_one_cache_share_entries_and_budget():
    """Django makes one instance per thread; they must count the same bytes."""
    one, two = make(max_bytes=2_000), make(max_bytes=2_000)
    one.set("a", "字" * 300)
    two.set("b", "字" * 300)
    two.set("c", "字" * 300)  # over budget: the oldest goes, whoever stored it
    assert one.get("a") is None
    assert one.get("b") is not None and one.get("c") is not None
    assert one._store is two._store and one._store.bytes <= 2_000
