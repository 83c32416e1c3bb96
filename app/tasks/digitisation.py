"""Digitisation tasks: read (OCR) a scanned component in the worker.

Takes the component id, not the scan: the task reads whatever latest scan the component
has, so a re-scan before the worker gets to it is read once, and running it twice after
it finished changes nothing. A Tesseract failure is recorded on the scan and retried.
"""

from app import thread_loop
from app.digitisation.service import read_scan
from app.jobs.api import RETRY_POLICY, describe
from app.tasks import huey


@huey.task(**RETRY_POLICY)
def digitise_component(component_id: int) -> str:
    return thread_loop.run(read_scan(component_id))


describe(digitise_component, "Nhận dạng chữ (OCR) thành phần hồ sơ số hóa")
