"""Errors as plain Vietnamese pages (or JSON for the API): never a stack trace, never a 500
for bad input. Anonymous visitors who hit a protected page are sent to the login page."""

from __future__ import annotations

import logging
from urllib.parse import quote

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, NotFoundException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST, HTTP_500_INTERNAL_SERVER_ERROR

from app.web.hosts import REFUSED, host_allowed

log = logging.getLogger("motcua")

MESSAGES = {
    400: "Yêu cầu không hợp lệ.",
    403: "Bạn không có quyền thực hiện thao tác này.",
    404: "Không tìm thấy trang bạn yêu cầu.",
    405: "Thao tác không được hỗ trợ.",
    413: "Dữ liệu gửi lên quá lớn.",
    429: "Bạn thao tác quá nhanh. Vui lòng thử lại sau ít phút.",
}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/healthz"))


def _message(status: int, detail: str) -> str:
    # Litestar's own English details (e.g. CSRF failures) are replaced by our wording.
    if detail and any(ch in detail for ch in "ăâđêôơưáàảãạéèíóòúùýĐ"):
        return detail
    if status == 403 and "CSRF" in (detail or ""):
        return "Phiên làm việc của biểu mẫu đã hết hạn. Vui lòng tải lại trang và thử lại."
    return MESSAGES.get(status, "Đã có lỗi xảy ra.")


def http_error(request: Request, exc: HTTPException) -> Response:
    if not host_allowed(request.scope):  # a 404 or 405 no route middleware saw
        return Response(REFUSED, status_code=HTTP_400_BAD_REQUEST, media_type=MediaType.TEXT)
    status = exc.status_code
    message = _message(status, exc.detail)
    if isinstance(exc, NotAuthorizedException) and not _wants_json(request):
        return Redirect(f"/dang-nhap?next={quote(request.url.path)}")
    if _wants_json(request):
        return Response({"error": message, "status": status}, status_code=status,
                        media_type=MediaType.JSON)
    return Template("error.html", context={"status": status, "message": message},
                    status_code=status)


def internal_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, OverflowError):
        # An id in the URL beyond SQLite's 64-bit integers (found by schemathesis): no such
        # row can exist, so it is a plain "not found", whatever page asked.
        return http_error(request, NotFoundException())
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    message = "Hệ thống đang gặp sự cố. Dữ liệu của bạn chưa bị mất; vui lòng thử lại sau."
    if _wants_json(request):
        return Response({"error": message, "status": 500},
                        status_code=HTTP_500_INTERNAL_SERVER_ERROR)
    return Template("error.html", context={"status": 500, "message": message},
                    status_code=HTTP_500_INTERNAL_SERVER_ERROR)
