"""A template page answered without Litestar's general response set-up (issue #21).

`Template.to_asgi_response` is written for every kind of response: a deprecated `app`
argument, headers and cookies merged from three places, a media type guessed from the
template's name, then an `ASGIResponse` whose constructor adds Content-Type and
Content-Length through `MutableScopeHeaders` (decoding, lower-casing and searching the
header list for each, ~3.9 µs of a lookup). A `Page` is a `Template` that, in the plain
case every public page is (an HTML page with a body, no headers of its own or its route's,
no background task), renders the same template with the same context and builds the same
`ASGIResponse` with its two headers written as bytes at once (~0.8 µs). Anything else goes
through Litestar's own method unchanged. tests/test_page_response.py compares the two
responses (status, headers, cookies, body) case by case.
"""

from __future__ import annotations

from typing import Any

from litestar.datastructures import MutableScopeHeaders
from litestar.enums import MediaType
from litestar.response import Template
from litestar.response.base import ASGIResponse

_HTML = MediaType.HTML.value
_NO_BODY = frozenset({204, 304})


class Page(Template):
    def to_asgi_response(self, app: Any, request: Any, *, background: Any = None,
                         cookies: Any = None, encoded_headers: Any = None,
                         headers: Any = None, is_head_response: bool = False,
                         media_type: Any = None, status_code: int | None = None,
                         type_encoders: Any = None) -> ASGIResponse:
        status = self.status_code or status_code or 200
        if (app is not None or encoded_headers is not None or is_head_response
                or self.headers or headers or self.background or background
                or self.template_str is not None or status < 200 or status in _NO_BODY
                or (self.media_type or media_type) != _HTML):
            return super().to_asgi_response(
                app, request, background=background, cookies=cookies,
                encoded_headers=encoded_headers, headers=headers,
                is_head_response=is_head_response, media_type=media_type,
                status_code=status_code, type_encoders=type_encoders)
        engine = request.app.template_engine
        body = engine.get_template(self.template_name).render(
            **self.create_template_context(request)).encode(self.encoding)
        every_cookie = [*self.cookies, *(cookies or ())]
        response = ASGIResponse.__new__(ASGIResponse)  # its every slot set here
        response.headers = MutableScopeHeaders()
        response.headers.headers = [
            (b"content-type", f"{_HTML}; charset={self.encoding}".encode("latin-1")),
            (b"content-length", str(len(body)).encode("latin-1"))]
        response.background, response.is_head_response = None, False
        response.body, response.content_length = body, len(body)
        response.encoding, response.status_code = self.encoding, status
        response._encoded_cookies = tuple(cookie.to_encoded_header() for cookie in every_cookie
                                          if not cookie.documentation_only)
        return response
