"""Failed lookups are limited per address; the limiter itself is pure."""

from app.web.ratelimit import SlidingWindowLimiter


def test_window_slides():
    limiter = SlidingWindowLimiter(limit=3, window_seconds=60)
    for t in (0, 10, 20):
        assert not limiter.blocked("1.2.3.4", t)
        limiter.hit("1.2.3.4", t)
    assert limiter.blocked("1.2.3.4", 30)
    assert not limiter.blocked("5.6.7.8", 30)  # per address
    assert limiter.retry_after("1.2.3.4", 30) == 31
    assert not limiter.blocked("1.2.3.4", 60.5)  # the first hit has left the window


def test_memory_is_bounded():
    limiter = SlidingWindowLimiter(limit=1, window_seconds=60, max_keys=100)
    for i in range(1000):
        limiter.hit(f"10.0.{i // 256}.{i % 256}", 0)
    assert len(limiter._hits) <= 100


def test_repeated_failed_lookups_are_refused_with_a_clear_message(client):
    params = {"ma": "000.00.17.H55-260213-0001", "so": "1234"}
    statuses = [client.get("/tra-cuu", params=params).status_code for _ in range(20)]
    assert set(statuses) == {404}
    refused = client.get("/tra-cuu", params=params)
    assert refused.status_code == 429
    assert "tra cứu không thành công quá nhiều lần" in refused.text
    assert client.get("/tra-cuu").status_code == 200  # the empty form is still served
