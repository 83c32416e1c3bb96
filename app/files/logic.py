"""What kind of file a citizen sent, from its bytes, never its name. Pure."""

from __future__ import annotations

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DOSSIER_BYTES = 20 * 1024 * 1024

_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def sniff(content: bytes) -> str | None:
    """The content type of an accepted upload (PDF, JPEG, PNG), or None."""
    for signature, content_type in _SIGNATURES:
        if content.startswith(signature):
            return content_type
    return None


def upload_problem(content: bytes, already_stored: int = 0) -> str | None:
    """Why this upload is refused (Vietnamese), or None when it is acceptable."""
    if not content:
        return "Tệp rỗng. Vui lòng chọn lại tệp."
    if len(content) > MAX_FILE_BYTES:
        return "Tệp quá lớn: mỗi tệp tối đa 5 MB."
    if already_stored + len(content) > MAX_DOSSIER_BYTES:
        return "Tổng dung lượng hồ sơ vượt quá 20 MB."
    if sniff(content) is None:
        return "Chỉ nhận tệp PDF, JPEG hoặc PNG (hệ thống kiểm tra nội dung tệp, không theo tên)."
    from app.files.inspect import content_problem  # Pillow: loaded only when a file comes

    return content_problem(content, sniff(content))
