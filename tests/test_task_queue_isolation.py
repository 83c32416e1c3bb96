"""Each test starts with an empty task queue (tests/conftest.py `_empty_task_queue`): a task
one test leaves behind, with no worker to run it, must not reach the next test's consumer,
which would run it on another database. Whichever of the two runs second finds the other's
task unless the queue is emptied between them."""

from __future__ import annotations

import pytest

from app.tasks import huey
from app.tasks.notifications import deliver_outbox


@pytest.mark.engine
@pytest.mark.parametrize("turn", ["first", "second"])
def test_a_task_left_by_another_test_is_not_in_the_queue(turn):
    assert not huey.immediate
    assert huey.pending_count() == 0
    deliver_outbox()  # queued; no worker runs here
    assert huey.pending_count() == 1
