"""Errors as plain Vietnamese pages (or JSON for the API): never a stack trace, never a 500
for bad input. Anonymous visitors who hit a protected page are sent to the login page. A
form refused before its handler ran (CSRF cookie expired, session ended, too large, a field
too long) goes back to its page filled in (app.web.kept_forms); every error page links
back to where the person was."""

from __future__ import annotations

import logging
from urllib.parse import quote

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, NotFoundException
from litestar.response import Redirect, Template
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_500_INTERNAL_SERVER_ERROR,
    HTTP_503_SERVICE_UNAVAILABLE,
)

from app.files.backends import StorageUnavailable
from app.web import kept_forms
from app.web.forms import FieldTooLong
from app.web.hosts import REFUSED, host_allowed

log = logging.getLogger("motcua")

MESSAGES = {
    400: "Yêu cầu không hợp lệ.",
    403: "Bạn không có quyền thực hiện thao tác này.",
    404: "Không tìm thấy trang bạn yêu cầu.",
    405: "Thao tác không được hỗ trợ.",
    413: "Dữ liệu gửi lên quá lớn.",
    429: "Bạn thao tác quá nhanh. Vui lòng thử lại sau ít phút.",
    503: "Kho lưu trữ tệp tạm thời không truy cập được. Dữ liệu đã lưu của bạn không bị mất; "
         "vui lòng thử lại sau ít phút.",
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


def _form_sent_back(request: Request, exc: HTTPException) -> Response | None:
    """The refused form kept and its page shown again, when the refusal is one of those."""
    if isinstance(exc, FieldTooLong):
        return kept_forms.send_back(request, exc.detail, exc.values)
    if exc.status_code == 403 and "CSRF" in (exc.detail or ""):
        return kept_forms.send_back(request, kept_forms.REASONS["csrf"])
    if isinstance(exc, NotAuthorizedException):
        return kept_forms.send_back(request, kept_forms.REASONS["session"])
    if exc.status_code == 413 or exc.detail == "Request Entity Too Large":
        return kept_forms.send_back(request, kept_forms.REASONS["too_large"], {})
    return None


def http_error(request: Request, exc: HTTPException) -> Response:
    if not host_allowed(request.scope):  # a 404 or 405 no route middleware saw
        return Response(REFUSED, status_code=HTTP_400_BAD_REQUEST, media_type=MediaType.TEXT)
    status = exc.status_code
    message = _message(status, exc.detail)
    if _wants_json(request):
        return Response({"error": message, "status": status}, status_code=status,
                        media_type=MediaType.JSON)
    sent_back = _form_sent_back(request, exc)
    if sent_back is not None:
        return sent_back
    if isinstance(exc, NotAuthorizedException):
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return Redirect(f"/dang-nhap?next={quote(here)}")
    return error_page(request, status, message)


def error_page(request: Request, status: int, message: str) -> Template:
    """The error in words, with a way back to the page the person came from."""
    return Template("error.html", status_code=status, context={
        "status": status, "message": message, "back": kept_forms.origin_page(request)})


def internal_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, OverflowError):
        # An id in the URL beyond SQLite's 64-bit integers (found by schemathesis): no such
        # row can exist, so it is a plain "not found", whatever page asked.
        return http_error(request, NotFoundException())
    if isinstance(exc, StorageUnavailable):
        # The object store (S3) is down: the transaction rolled back, nothing half-saved.
        log.warning("file store unavailable on %s %s: %s", request.method, request.url.path, exc)
        return http_error(request, HTTPException(status_code=HTTP_503_SERVICE_UNAVAILABLE))
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    message = "Hệ thống đang gặp sự cố. Dữ liệu của bạn chưa bị mất; vui lòng thử lại sau."
    if _wants_json(request):
        return Response({"error": message, "status": 500},
                        status_code=HTTP_500_INTERNAL_SERVER_ERROR)
    return error_page(request, HTTP_500_INTERNAL_SERVER_ERROR, message)
