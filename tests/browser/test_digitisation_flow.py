"""In Chromium: the counter digitises a paper component, the page follows OCR progress
by htmx polling while a real worker reads it, and the applicant finds the scan in their
data warehouse, a page within the citizen budgets.

The test waits for the OCR job's recorded outcome (`job_run`), however long a loaded
machine takes to start the worker and run Tesseract, and only then gives the page one
polling period or a few to show it: a fixed 30 s for all of it failed under load."""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.helpers import login
from tests.browser.test_page_weight import FIRST_VISIT_BUDGET, LATER_PAGE_BUDGET, transferred, visit
from tests.digitisation_helpers import printed_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
CCCD = "052090008181"  # unique on the shared live server
FINISHED = {"succeeded", "failed", "skipped"}  # app.jobs.logic.JobStatus, terminal
WORKER_CEILING = 600  # seconds; a backstop for a worker that never answers, not a timing
POLLS = 15_000  # ms: a few of the scans fragment's 2 s polls, on a loaded machine


def ocr_outcome(live_server, worker: subprocess.Popen) -> tuple[str, str]:
    """(status, last error) of the OCR job of this applicant's scans, once finished."""
    components = {row[0] for row in live_server.query(
        "SELECT s.component FROM digitised_scan s JOIN dossier d ON d.id = s.dossier "
        "WHERE d.applicant_id_number = ?", CCCD)}
    assert components
    deadline = time.monotonic() + WORKER_CEILING
    while time.monotonic() < deadline:
        runs = [(status, error) for status, args, error in live_server.query(
            "SELECT status, args, last_error FROM job_run WHERE task LIKE ?",
            "%digitise_component") if set(json.loads(args) if isinstance(args, str) else args)
            & components]
        if runs and all(status in FINISHED for status, _ in runs):
            return runs[-1]
        assert worker.poll() is None, "the worker stopped before reading the scan"
        time.sleep(0.5)
    raise AssertionError(f"no OCR outcome recorded in {WORKER_CEILING} s")


def test_counter_scan_read_by_worker_reaches_the_citizens_warehouse(
        browser: Browser, live_server, tmp_path):
    ((agency_id,),) = live_server.query("SELECT id FROM agency WHERE short_name = 'Sở Tư pháp'")
    live_server.cli("createuser", "quay.soHoa", "--name", "Cán bộ một cửa", "--role",
                    "counter_officer", "--agency", str(agency_id), "--password", "Scan2026xyz")
    live_server.cli("createuser", CCCD, "--name", "Đinh Thị Mai", "--role", "citizen",
                    "--id-number", CCCD, "--password", "Mai2026xyz")
    pages = []
    for number, lines in enumerate((["Họ và tên: Đinh Thị Mai", f"Số CCCD: {CCCD}"],
                                    ["Trang hai của giấy tờ"]), 1):
        path = tmp_path / f"trang-{number}.jpg"
        path.write_bytes(printed_page(lines))
        pages.append(str(path))

    context = browser.new_context()
    page = context.new_page()
    base = live_server.url
    login(page, base, "quay.soHoa", "Scan2026xyz")
    page.get_by_role("link", name="Tiếp nhận hồ sơ").click()
    page.get_by_label("Thủ tục").select_option(index=1)
    page.get_by_role("button", name="Tiếp tục").click()
    page.get_by_label("Họ và tên (hoặc tên tổ chức)").fill("Đinh Thị Mai")
    page.get_by_label("Số CCCD hoặc mã số thuế").fill(CCCD)
    for box in page.locator("input[name=components]").all():
        box.check()
    page.get_by_role("button", name="Ghi nhận kết quả kiểm tra").click()
    page.get_by_role("link", name="Xem hồ sơ").click()
    page.get_by_role("link", name="Số hóa thành phần hồ sơ").click()
    page.get_by_label("Các trang đã quét").set_input_files(pages)
    page.get_by_role("button", name="Lưu bản số hóa").click()
    expect(page.get_by_text("Đã lưu bản số hóa")).to_be_visible()
    expect(page.get_by_text("Đang chờ nhận dạng chữ")).to_be_visible()

    # The worker starts only now: the page must update itself (htmx polling).
    worker = subprocess.Popen(
        [str(BIN / "huey_consumer"), "app.tasks.all.huey", "-w", "1", "-m", "1"],
        cwd=ROOT, env=live_server.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        status, error = ocr_outcome(live_server, worker)
        assert status == "succeeded", error
        expect(page.get_by_text("Đã số hóa, đã nhận dạng chữ")).to_be_visible(timeout=POLLS)
    finally:
        worker.terminate()
        worker.wait(timeout=10)
    expect(page.get_by_text(f"{CCCD} (trùng số trên hồ sơ)")).to_be_visible()
    page.get_by_role("button", name="Đăng xuất").click()

    login(page, base, CCCD, "Mai2026xyz")
    page.get_by_role("link", name="Kho dữ liệu điện tử").click()
    expect(page.get_by_text("Giấy tờ số hóa tại Bộ phận Một cửa")).to_be_visible()
    later = visit(page, base + "/kho-du-lieu")
    html = [r for r in later if r.request.resource_type == "document"]
    assert transferred(html) <= LATER_PAGE_BUDGET

    first = browser.new_context()  # empty cache, same session: a first visit
    first.add_cookies(context.cookies())
    responses = visit(first.new_page(), base + "/kho-du-lieu")
    assert {"document", "stylesheet", "script"} <= {r.request.resource_type for r in responses}
    assert all(r.status < 400 for r in responses)
    assert transferred(responses) <= FIRST_VISIT_BUDGET
    first.close()
    context.close()
