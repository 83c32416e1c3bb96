"""The limiter itself is pure; the lookup limit counts per code and per source. The same
rules hold for the in-process limiter and the Redis one several processes share."""

import os

import pytest

from app.dossiers import lookup_limit
from app.web.ratelimit import SlidingWindowLimiter, address_key
from app.web.redis_ratelimit import RedisLimiter


@pytest.fixture(scope="session")
def redis_url():
    """The run's Redis (PostgreSQL runs share one), or one of this module's own."""
    if os.environ.get("MOTCUA_CACHE_URL"):
        yield os.environ["MOTCUA_CACHE_URL"]
        return
    from tests.scratch_servers import start_redis

    server = start_redis()
    yield server.url
    server.stop()


@pytest.fixture(params=["memory", "redis"])
def make_limiter(request):
    made = []

    def make(limit, window_seconds):
        if request.param == "memory":
            return SlidingWindowLimiter(limit, window_seconds)
        limiter = RedisLimiter(request.getfixturevalue("redis_url"), "test", limit,
                               window_seconds)
        limiter.clear()
        made.append(limiter)
        return limiter

    yield make
    for limiter in made:
        limiter.clear()


@pytest.mark.engine
def test_window_slides(make_limiter):
    limiter = make_limiter(limit=3, window_seconds=60)
    for t in (0, 10, 20):
        assert not limiter.blocked("1.2.3.4", t)
        limiter.hit("1.2.3.4", t)
    assert limiter.blocked("1.2.3.4", 30)
    assert not limiter.blocked("5.6.7.8", 30)  # per address
    assert limiter.retry_after("1.2.3.4", 30) == 31
    assert not limiter.blocked("1.2.3.4", 60.5)  # the first hit has left the window


@pytest.mark.engine
def test_redis_limits_are_shared_between_processes(redis_url):
    """Two web processes each build their limiter; failures counted by one block the
    other, so a guesser gains nothing by spreading requests over the servers."""
    first, second = (RedisLimiter(redis_url, "shared", 2, 60) for _ in range(2))
    first.clear()
    first.hit("203.0.113.9", 1000.0)
    second.hit("203.0.113.9", 1001.0)
    assert first.blocked("203.0.113.9", 1002.0) and second.blocked("203.0.113.9", 1002.0)
    assert second.retry_after("203.0.113.9", 1002.0) == 59
    first.clear()
    assert not second.blocked("203.0.113.9", 1002.0)


def test_memory_is_bounded():
    limiter = SlidingWindowLimiter(limit=1, window_seconds=60, max_keys=100)
    for i in range(1000):
        limiter.hit(f"10.0.{i // 256}.{i % 256}", 0)
    assert len(limiter._hits) <= 100


@pytest.mark.engine
def test_repeated_failed_lookups_are_refused_with_a_clear_message(client):
    params = {"ma": "000.00.17.H55-260213-0001", "so": "1234"}
    statuses = [client.get("/tra-cuu", params=params).status_code
                for _ in range(lookup_limit.PER_CODE.limit)]
    assert set(statuses) == {404}
    refused = client.get("/tra-cuu", params=params)
    assert refused.status_code == 429
    assert "tra cứu không thành công quá nhiều lần" in refused.text
    assert "thử lại sau 15 phút" in refused.text
    assert client.get("/tra-cuu").status_code == 200  # the empty form is still served


def test_one_code_typed_in_different_ways_is_one_key():
    assert lookup_limit.code_key("000.00.17.h55-260213-0001 ") == lookup_limit.code_key(
        "000 00 17 H55 260213 0001")


@pytest.mark.parametrize(("address", "key"), [
    ("203.113.1.9", "203.113.1.9"),
    ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
    ("2001:db8:1:2:bbbb::7", "2001:db8:1:2::/64"),
    ("::ffff:203.113.1.9", "203.113.1.9"),
    ("testclient", "testclient"),
])
def test_addresses_are_keyed_by_subscriber(address, key):
    assert address_key(address) == key


def test_the_wait_is_the_longest_of_the_code_and_the_source():
    source, code = "198.51.100.7", "000.00.17.H55-260213-0001"
    for n in range(lookup_limit.PER_CODE.limit):
        lookup_limit.PER_CODE.hit(f"code:{lookup_limit.code_key(code)}", 100.0 + n)
    assert lookup_limit.wait_seconds(source, None, 110.0) == 0  # the source may try others
    assert lookup_limit.wait_seconds(source, code, 110.0) == 15 * 60 - 10 + 1
    assert lookup_limit.wait_seconds(source, code, 100.0 + 15 * 60) == 0
