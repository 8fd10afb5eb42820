"""Pramern's Redis cache backend (pramern/operations/rediscache.py): Django's, on the machine's
real Redis, with one Redis client per connection pool instead of one per operation."""

from __future__ import annotations

import threading

from django.core.cache import caches

from pramern.operations.rediscache import RedisCache


def test_the_cache_keeps_thai_and_reuses_one_client(redis_cache):
    cache = caches["default"]
    assert isinstance(cache, RedisCache)
    cache.set("ทดสอบ", {"หน่วยงาน": "สำนักวิจัยเศรษฐกิจการเกษตร"}, 30)
    assert cache.get("ทดสอบ") == {"หน่วยงาน": "สำนักวิจัยเศรษฐกิจการเกษตร"}
    client = cache._cache.get_client()
    assert cache._cache.get_client() is client and cache._cache.get_client(write=True) is client
    assert cache.delete("ทดสอบ") and cache.get("ทดสอบ") is None


def test_every_thread_sees_the_others_writes(redis_cache):
    """Django gives each thread a cache object of its own (and so clients of its own): all write
    to the one server."""
    seen: dict[int, list[int | None]] = {}
    written = threading.Barrier(4)

    def work(n: int) -> None:
        caches["default"].set(f"thread-{n}", n, 30)
        written.wait(timeout=10)
        seen[n] = [caches["default"].get(f"thread-{m}") for m in range(4)]

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {n: [0, 1, 2, 3] for n in range(4)}
