"""An import report in Vietnamese, the same words on the admin page and the command line."""

from __future__ import annotations

from app.catalog_io.service import ImportReport


def summary(report: ImportReport) -> str:
    counts = (f"thêm mới {len(report.added)}, sửa đổi {len(report.amended)}, "
              f"không đổi {len(report.unchanged)}, bị từ chối {report.refused}")
    if report.written:
        return f"Đã nhập: {counts}."
    if report.problems:
        return f"Chưa ghi gì vào hệ thống vì có {len(report.problems)} lỗi ({counts})."
    return f"Kiểm tra xong, chưa ghi gì (nhập thử): {counts}."


def report_lines(report: ImportReport) -> list[str]:
    return [summary(report), *(str(p) for p in report.problems),
            *(f"Lưu ý: {note}" for note in report.notes)]
