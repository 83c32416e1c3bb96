"""Deliveries go before bulk work. In the national-sync drill, 1,000 dossiers closed at once
each queued the building of its archival file (PDF/A documents, ~80 ms each) ahead of the
portal's deliveries, which then waited behind them for 80 s; notices to citizens waited
the same way. The worker takes the highest priority first, on SQLite and on Redis alike,
whether a task was queued now, scheduled for later, or started by the clock."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest

from app.jobs.logic import BULK, URGENT
from app.settings import ROOT
from app.tasks import huey
from app.tasks.archive import (
    archive_pending_files,
    build_archival_file,
    build_package,
    execute_disposal,
)
from app.tasks.integrations import deliver_partner_outbox, deliver_partner_outbox_periodically
from app.tasks.notifications import deliver_outbox, deliver_outbox_periodically
from app.tasks.reports import export_monthly_report
from app.tasks.service_index import index_snapshots_hourly
from tests.conftest import worker_env

pytestmark = pytest.mark.engine


def _name(task) -> str:
    return task.s().name


def _queue_in_order() -> list[str]:
    names = []
    while (task := huey.dequeue()) is not None:
        names.append(task.name)
    return names


def test_deliveries_queued_after_a_burst_of_bulk_work_run_first(db):
    assert not huey.immediate
    for dossier_id in range(1, 6):
        build_archival_file(dossier_id)
    export_monthly_report(2026, 11)
    huey.enqueue(index_snapshots_hourly.s())  # an ordinary task, as the clock starts it
    deliver_partner_outbox()
    huey.enqueue(deliver_outbox_periodically.s())

    order = _queue_in_order()

    assert set(order[:2]) == {_name(deliver_partner_outbox), _name(deliver_outbox_periodically)}
    # Among equals, first come first served: a report someone asked for is not bulk.
    assert order[2:] == [_name(export_monthly_report), _name(index_snapshots_hourly)] + [
        _name(build_archival_file)] * 5


def test_a_delivery_scheduled_for_later_keeps_its_priority(db):
    build_archival_file(1)
    deliver_partner_outbox.schedule(kwargs={"retry": True}, delay=0.5)
    # What the consumer's scheduler does when the time comes.
    for task in huey.read_schedule(huey._get_timestamp() + timedelta(seconds=1)):
        huey.enqueue(task)

    assert _queue_in_order() == [_name(deliver_partner_outbox), _name(build_archival_file)]


def test_which_tasks_are_urgent_and_which_are_bulk():
    urgent = {deliver_partner_outbox, deliver_partner_outbox_periodically, deliver_outbox,
              deliver_outbox_periodically}
    bulk = {build_archival_file, archive_pending_files, build_package, execute_disposal}
    assert {task.task_class.default_priority for task in urgent} == {URGENT}
    assert {task.task_class.default_priority for task in bulk} == {BULK}
    assert {index_snapshots_hourly.task_class.default_priority,
            export_monthly_report.task_class.default_priority} == {None}
    assert URGENT > 0 > BULK


@pytest.mark.skipif(not os.environ.get("MOTCUA_HUEY_URL"), reason="about the Redis queue")
def test_migrate_takes_over_a_queue_left_by_the_earlier_redis_storage_in_order(db):
    """Before priorities the Redis queue was a list under the same key; a deployment that
    upgrades with tasks waiting keeps them, oldest first, when it runs `migrate`."""
    storage = huey.storage
    older, newer = build_archival_file.s(7), deliver_outbox.s()
    for task in (older, newer):  # what RedisStorage did: LPUSH, the oldest at the right
        storage.conn.lpush(storage.queue_key, huey.serialize_task(task))
    assert storage.conn.type(storage.queue_key) == b"list"

    migrate = [sys.executable, "-m", "app", "migrate"]
    first = subprocess.run(migrate, env=worker_env(), cwd=ROOT, capture_output=True,
                           text=True, timeout=120)
    again = subprocess.run(migrate, env=worker_env(), cwd=ROOT, capture_output=True,
                           text=True, timeout=120)

    assert first.returncode == again.returncode == 0, first.stderr + again.stderr
    assert "Đã chuyển 2 tác vụ đang chờ" in first.stdout
    assert "tác vụ" not in again.stdout  # done once
    assert storage.conn.type(storage.queue_key) == b"zset"
    assert [task.id for task in iter(huey.dequeue, None)] == [older.id, newer.id]


@pytest.mark.skipif(not os.environ.get("MOTCUA_HUEY_URL"), reason="about the Redis queue")
def test_a_take_over_stopped_halfway_is_finished_by_the_next(db):
    """The list is set aside under its own key before its tasks move: what a stopped run
    left there is moved by the next, after nothing newer."""
    from app.tasks import adopt_list_queue

    storage = huey.storage
    left_behind = build_archival_file.s(8)
    storage.conn.lpush(f"{storage.queue_key}.adopting", huey.serialize_task(left_behind))

    assert adopt_list_queue(storage) == 1
    assert adopt_list_queue(storage) == 0
    assert [task.id for task in iter(huey.dequeue, None)] == [left_behind.id]

