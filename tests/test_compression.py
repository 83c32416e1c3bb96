"""One-call gzip (app.web.compression, issue #21) answers as Litestar's compression
middleware does: the same headers and, decompressed, the same body, for a whole page; a
small body, a streamed one and a cached response go through Litestar's own path."""

from __future__ import annotations

import gzip

import pytest
from isal import isal_zlib
from litestar.config.compression import CompressionConfig
from litestar.middleware.compression import CompressionMiddleware
from litestar.utils.scope.state import ScopeState

from app.main import GZIP_LEVEL
from app.web.compression import OneShotGzipMiddleware

pytestmark = pytest.mark.anyio
PAGE = ("<!doctype html><html lang=\"vi\"><body>" + "".join(
    f"<p>Hồ sơ số {n}: đang giải quyết, hẹn trả ngày {n % 28 + 1:02d}/12/2026.</p>"
    for n in range(300)) + "</body></html>").encode()


async def answer(middleware_class, bodies: list[bytes], *, cached: bool = False,
                 encoding: bytes = b"gzip, deflate, br"):
    async def app(scope, receive, send):
        if cached:
            ScopeState.from_scope(scope).is_cached = True
        await send({"type": "http.response.start", "status": 200, "headers": [
            (b"content-type", b"text/html; charset=utf-8"), (b"vary", b"Cookie"),
            (b"content-length", str(sum(map(len, bodies))).encode())]})
        for n, body in enumerate(bodies):
            await send({"type": "http.response.body", "body": body,
                        "more_body": n < len(bodies) - 1})

    sent = []

    async def send(message):
        sent.append(message)

    config = CompressionConfig(backend="gzip", gzip_compress_level=GZIP_LEVEL,
                               middleware_class=middleware_class)
    scope = {"type": "http", "method": "GET", "path": "/", "headers": [
        (b"accept-encoding", encoding)], "state": {}}
    await middleware_class(app=app, config=config)(scope, None, send)
    start, *body_messages = sent
    body = b"".join(m["body"] for m in body_messages)
    headers = dict(start["headers"])
    if headers.get(b"content-encoding") == b"gzip":
        body = gzip.decompress(body)
        if b"content-length" in headers:
            assert int(headers[b"content-length"]) == len(b"".join(
                m["body"] for m in body_messages))
            headers[b"content-length"] = b"(length of what was sent)"
    return start["status"], headers, body, len(body_messages), \
        ScopeState.from_scope(scope).response_compressed


@pytest.mark.parametrize("case", [
    {"bodies": [PAGE]},                           # a whole page: the one-call path
    {"bodies": [PAGE[:400]]},                     # under minimum_size: sent as it is
    {"bodies": [PAGE[:3000], PAGE[3000:], b""]},  # streamed: Litestar's path
    {"bodies": [PAGE], "cached": True},           # a cached response: never compressed
    {"bodies": [PAGE[:400]], "cached": True},     # small and cached
    {"bodies": [b""]},                            # an empty body (a redirect, a 304)
    {"bodies": [PAGE], "encoding": b"identity"},  # no gzip asked
])
async def test_same_answer_as_litestar(case):
    ours = await answer(OneShotGzipMiddleware, **case)
    assert ours == await answer(CompressionMiddleware, **case)


async def test_a_whole_page_is_compressed_in_one_message():
    status, headers, body, messages, compressed = await answer(OneShotGzipMiddleware, [PAGE])
    assert (status, body, messages, compressed) == (200, PAGE, 1, True)
    assert headers[b"content-encoding"] == b"gzip"
    assert headers[b"vary"] == b"Cookie,Accept-Encoding"  # as Litestar joins them


async def test_the_page_is_isal_level_1_gzip():
    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": PAGE})

    sent = []

    async def send(message):
        sent.append(message)

    config = CompressionConfig(backend="gzip", gzip_compress_level=GZIP_LEVEL,
                               middleware_class=OneShotGzipMiddleware)
    scope = {"type": "http", "method": "GET", "path": "/", "state": {},
             "headers": [(b"accept-encoding", b"gzip")]}
    await OneShotGzipMiddleware(app=app, config=config)(scope, None, send)
    assert sent[1]["body"] == isal_zlib.compress(PAGE, 1, 31)
    assert gzip.decompress(sent[1]["body"]) == PAGE


@pytest.mark.parametrize("cached", [False, True])
async def test_a_small_or_cached_body_makes_no_gzip_file(monkeypatch, cached):
    """Litestar's wrapper made a GzipFile (~20 µs) for every response, even one it then
    sent uncompressed: a body sent whole never reaches it now."""
    class Refused:
        def __init__(self, *args, **kwargs):
            raise AssertionError("Litestar's gzip facade was made")

    monkeypatch.setattr("litestar.middleware.compression.middleware.GzipCompression", Refused)
    status, headers, body, messages, compressed = await answer(
        OneShotGzipMiddleware, [PAGE[:400] if not cached else PAGE], cached=cached)
    assert (status, messages, compressed is True) == (200, 1, False)
    assert b"content-encoding" not in headers and body == (PAGE[:400] if not cached else PAGE)
