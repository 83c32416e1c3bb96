"""The audit chain detects edited rows, deleted rows and deleted newest rows."""

import subprocess
import sys

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.audit import service as audit
from app.audit.logic import BROKEN_LINK, HEAD_MISMATCH
from app.db import write_transaction
from tests.sql import execute_sync

pytestmark = [pytest.mark.anyio, pytest.mark.engine]


async def write_entries(n: int) -> None:
    for i in range(n):
        async with write_transaction():
            await audit.record("test.event", "thing", i, {"ghi_chú": f"lần {i}"}, actor_id=1)


async def test_intact_chain_verifies(db):
    await write_entries(5)
    assert await audit.verify() == []


async def test_record_outside_a_transaction_is_refused(db):
    with pytest.raises(audit.AuditOutsideTransaction):
        await audit.record("x", "y", 1)


async def test_state_change_and_audit_roll_back_together(db):
    with pytest.raises(RuntimeError):
        async with write_transaction():
            await audit.record("test.event", "thing", 1)
            raise RuntimeError("failure after the audit entry")
    assert await audit.AuditEntry.count() == 0
    assert await audit.verify() == []


def tamper(db, sql: str, *args) -> None:
    """A change made behind the app's back, as someone with database access could."""
    execute_sync(sql, *args)


async def test_edited_row_is_detected(db):
    await write_entries(4)
    tamper(db, "UPDATE audit_entry SET data = {} WHERE id = 2", '{"ghi_chú":"sửa"}')
    problems = await audit.verify()
    assert [(p.entry_id, p.message) for p in problems] == [(2, "nội dung bản ghi đã bị sửa")]


async def test_deleted_middle_row_is_detected(db):
    await write_entries(4)
    tamper(db, "DELETE FROM audit_entry WHERE id = 2")
    messages = {p.message for p in await audit.verify()}
    assert BROKEN_LINK in messages and HEAD_MISMATCH in messages


async def test_deleted_newest_row_is_detected(db):
    await write_entries(4)
    tamper(db, "DELETE FROM audit_entry WHERE id = 4")
    assert [p.message for p in await audit.verify()] == [HEAD_MISMATCH]


async def test_cli_audit_verify_exit_codes(db):
    await accounts.create_user(username="canbo", password="abc12345", full_name="A",
                               role=Role.HANDLER)
    ok = subprocess.run([sys.executable, "-m", "app", "audit", "verify"],
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "toàn vẹn" in ok.stdout
    tamper(db, "UPDATE audit_entry SET actor_id = 99")
    bad = subprocess.run([sys.executable, "-m", "app", "audit", "verify"],
                         capture_output=True, text=True)
    assert bad.returncode == 1
    assert "đã bị sửa" in bad.stderr
