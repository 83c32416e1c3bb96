"""gzip of a whole page in one call, by ISA-L (issue #21).

Litestar's compression middleware writes every body through a `GzipFile` facade (a file
object, a sync flush, then a finish) made for each request before the response even
starts, even for a body too small to compress. Our pages are sent as one body message, so
this subclass compresses such a body with one `isal_zlib.compress` call, with the same
headers Litestar sets (Content-Encoding, Content-Length, Vary) and the same rules (only at
`minimum_size` or above, never a cached response); a small or cached body is sent as it is
without making the facade; a streamed body (or brotli) goes through Litestar's own wrapper.

Why ISA-L (python-isal): measured inside the server under load (bench/RESULTS.md,
w28-floor), zlib level 4 took 72 µs on a lookup page, 62 on the home page and 38 on a
search fragment, ISA-L level 3 33, 27 and 26, for 1.8-3.2 % more bytes on those pages
(2.6-4.9 % on the five pages of bench/gzip_levels.py: ~60 bytes, ~13 ms on 2G); zlib-ng at
similar bytes took 44-58 µs. Inside the server each call costs 2-3 times its tight-loop
time (bench/gzip_levels.py), so only the in-server figures decide.

Why level 1 now (w29-lkpath): the same in-server figures gave ISA-L 1 26.8, 22.9 and 21.3
µs against level 3's 32.9, 26.8 and 26.0, for 9, 5 and 5 bytes more (+0.3-1.1 %). On the
lookup pages of a 100,000-dossier database (2.3-3.5 KB raw) level 1 averaged 1,653 bytes
against 1,638: 15 bytes, ~3 ms at 2G's ~40 kbit/s on a page of ~330 ms, for ~6 µs of
server CPU on every page (bench/RESULTS.md). Levels 1 and 2 give the same bytes on these
pages; level 0 (no matching) is 21 % larger and was not taken.
"""

from __future__ import annotations

import zlib

from isal import isal_zlib
from litestar.datastructures import MutableScopeHeaders
from litestar.enums import CompressionEncoding
from litestar.middleware.compression import CompressionMiddleware
from litestar.types import Message, Scope, Send
from litestar.utils.empty import value_or_default
from litestar.utils.scope.state import ScopeState

GZIP_WBITS = 16 + zlib.MAX_WBITS  # a gzip header and trailer around the deflate stream
ONE_SHOT_LEVEL = 1  # of ISA-L's 0-3 (see above); the streamed path keeps zlib's level


class OneShotGzipMiddleware(CompressionMiddleware):
    def create_compression_send_wrapper(self, send: Send, compression_encoding: str,
                                        scope: Scope) -> Send:
        if compression_encoding != CompressionEncoding.GZIP:
            return super().create_compression_send_wrapper(send, compression_encoding, scope)
        start: Message | None = None
        general: Send | None = None  # Litestar's wrapper, made only when needed

        async def send_wrapper(message: Message) -> None:
            nonlocal start, general
            if general is not None:
                await general(message)
                return
            if message["type"] == "http.response.start":
                start = message
                return
            state = ScopeState.from_scope(scope)
            if start is not None and message["type"] == "http.response.body" \
                    and not message.get("more_body"):
                if len(message["body"]) >= self.config.minimum_size \
                        and not value_or_default(state.is_cached, False):
                    compress(start, message, compression_encoding)
                    state.response_compressed = True
                await send(start)
                await send(message)
                return
            general = super(OneShotGzipMiddleware, self).create_compression_send_wrapper(
                send, compression_encoding, scope)
            if start is not None:
                await general(start)
            await general(message)

        return send_wrapper


def compress(start: Message, message: Message, encoding: str) -> None:
    """The body of `message` gzipped, and the start message's headers to match."""
    body = message["body"] = isal_zlib.compress(message["body"], ONE_SHOT_LEVEL, GZIP_WBITS)
    headers = MutableScopeHeaders(start)
    headers["Content-Encoding"] = encoding
    headers["Content-Length"] = str(len(body))
    headers.extend_header_value("vary", "Accept-Encoding")
