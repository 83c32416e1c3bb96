"""Short caches on both implementations, and two web processes that share one Redis: a
form kept by one process comes back on a page the other serves, and the service index
one process computed is the one the other serves.

Redis is the PostgreSQL pass's (MOTCUA_CACHE_URL) or, on the SQLite pass, one started
here on loopback (tests/scratch_servers.py), so both implementations run on every pass."""

from __future__ import annotations

import os
import pickle
import re
from dataclasses import dataclass

import httpx
import pytest

from app.web import short_cache as caches
from app.web.kept_forms import KEPT_COOKIE, REASONS, KeptForm, KeptForms
from app.web.redis_ratelimit import client
from app.web.redis_short_cache import PREFIX, RedisCache
from tests import live, test_ratelimit

pytestmark = pytest.mark.engine
redis_url = test_ratelimit.redis_url  # fixture: the run's Redis, or one of its own


@dataclass
class Figures:
    """A value of the kind the app caches: a dataclass, pickled on the way to Redis."""

    name: str
    counts: tuple[int, ...]


@pytest.fixture(params=["memory", "redis"])
def cache(request, redis_url):
    if request.param == "memory":
        yield caches.MemoryCache(max_entries=8)
        return
    made = RedisCache(redis_url, f"contract-{os.getpid()}")
    made.clear()
    yield made
    made.clear()


def test_entries_live_their_own_time_by_the_callers_clock(cache):
    cache.put("a", Figures("Sở Tư pháp", (1, 2)), now=100.0, ttl=60)
    cache.put("b", "ngắn", now=100.0, ttl=5)
    assert cache.get("a", now=159.0) == Figures("Sở Tư pháp", (1, 2))
    assert cache.get("b", now=104.0) == "ngắn"
    assert cache.get("b", now=105.0) is None  # its own life, not the other's
    assert cache.get("a", now=160.0) is None
    assert cache.get("missing", now=100.0) is None
    cache.put("a", "mới", now=200.0, ttl=60)  # written again: a new life
    assert cache.get("a", now=259.0) == "mới"


def test_delete_succeeds_once_and_clear_forgets_everything(cache):
    cache.put("k", 1, now=0.0, ttl=60)
    cache.put("other", 2, now=0.0, ttl=60)
    assert cache.delete("k") is True
    assert cache.delete("k") is False  # a second taker gets nothing
    assert cache.get("k", now=1.0) is None
    cache.clear()
    assert cache.get("other", now=1.0) is None


def test_memory_cache_is_bounded_dropping_expired_then_oldest():
    cache = caches.MemoryCache(max_entries=2)
    cache.put("old", 1, now=0.0, ttl=10)
    cache.put("kept", 2, now=0.0, ttl=1000)
    cache.put("new", 3, now=20.0, ttl=1000)  # "old" had expired: it makes the room
    assert (cache.get("kept", 21.0), cache.get("new", 21.0)) == (2, 3)
    cache.put("newest", 4, now=22.0, ttl=1000)  # none expired: the oldest goes
    assert (cache.get("kept", 23.0), cache.get("newest", 23.0)) == (None, 4)


def test_redis_caches_of_different_names_do_not_see_each_other(redis_url):
    first, second = RedisCache(redis_url, "first-t"), RedisCache(redis_url, "second-t")
    first.put("k", "một", now=0.0, ttl=60)
    assert second.get("k", now=1.0) is None
    second.clear()
    assert first.get("k", now=1.0) == "một"
    first.clear()


def test_a_kept_form_is_taken_once_across_two_stores_sharing_redis(redis_url):
    """Two processes' stores, each with its own connection pool, one Redis."""
    name = f"kept-{os.getpid()}"
    here, there = KeptForms(RedisCache(redis_url, name)), KeptForms(RedisCache(redis_url, name))
    entry = KeptForm(page="/dang-ky", values={"full_name": "Y Blông"}, reason="r",
                     had_files=False, user_id=None, expires=1_000.0)
    token = here.put(entry, now=0.0)
    assert there.take(token, "/khac", None, now=1.0) is None  # another page: left
    assert there.take(token, "/dang-ky", None, now=1.0) == entry
    assert here.take(token, "/dang-ky", None, now=1.0) is None  # once, on any process
    assert there.take("x" * 200, "/dang-ky", None, now=1.0) is None  # not a token of ours
    late = here.put(entry, now=0.0)
    assert there.take(late, "/dang-ky", None, now=1_000.0) is None  # expired


def _without_tokens(page: httpx.Response) -> str:
    """The page less its per-response CSRF token."""
    return re.sub(r'token": "[0-9a-f]+"', "", page.text)


def _keys(url: str, name: str) -> list[bytes]:
    return sorted(client(url).scan_iter(match=f"{PREFIX}{name}:*"))


def test_two_web_processes_share_one_kept_form_and_one_index(db, redis_url):
    var_dir = db.parent
    shared = {"MOTCUA_CACHE_URL": redis_url}  # the database: the test's, as env_for says
    ports = [live.free_port(), live.free_port()]
    servers = [live.start_web(var_dir, port, shared) for port in ports]
    one, two = (f"http://127.0.0.1:{port}" for port in ports)
    try:
        # A login post whose CSRF cookie is gone, on process one...
        posted = httpx.post(f"{one}/dang-nhap", data={"username": "can.bo.mot.cua",
                                                      "password": "bí mật"},
                            headers={"Origin": one, "Referer": f"{one}/dang-nhap"})
        assert posted.status_code == 303 and posted.headers["location"] == "/dang-nhap"
        token = posted.cookies[KEPT_COOKIE]
        # ...comes back filled in on process two (a load balancer sent the GET there).
        page = httpx.get(f"{two}/dang-nhap", cookies={KEPT_COOKIE: token})
        assert page.status_code == 200
        assert 'value="can.bo.mot.cua"' in page.text and REASONS["csrf"] in page.text
        assert "bí mật" not in page.text
        # Taken once: neither process shows it again.
        for base in (one, two):
            assert "can.bo.mot.cua" not in httpx.get(f"{base}/dang-nhap",
                                                     cookies={KEPT_COOKIE: token}).text

        # The public service index: computed by process one, served from the same entry
        # by process two (its written time unchanged: two did not compute its own).
        before = _keys(redis_url, "service_index")
        first = httpx.get(f"{one}/chi-so-phuc-vu/")
        assert first.status_code == 200
        [key] = [k for k in _keys(redis_url, "service_index") if k not in before]
        written = pickle.loads(client(redis_url).get(key))[0]
        second = httpx.get(f"{two}/chi-so-phuc-vu/")
        assert second.status_code == 200 and _without_tokens(second) == _without_tokens(first)
        assert pickle.loads(client(redis_url).get(key))[0] == written
    finally:
        for server in servers:
            live.stop(server)
