"""The same code on either engine: ids beyond 32 bits, the restore check, bulk seeding
written where the URL says. Run on SQLite by `make test`, and again on PostgreSQL."""

from __future__ import annotations

import subprocess
import sys

import pytest

from app.catalog.tables import Procedure
from app.dossiers.tables import Dossier
from app.settings import get_settings
from tests import factories
from tests.conftest import TEST_ENGINE, run
from tests.sql import execute_sync

pytestmark = pytest.mark.engine
BIG_ID = 2**31 + 7  # beyond PostgreSQL's integer, within bigint


def app_cli(*args: str) -> subprocess.CompletedProcess:
    """The CLI in a process of its own, with the test's settings (and database URL)."""
    return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True,
                          text=True, timeout=300)


def test_ids_beyond_32_bits_are_stored_and_served(client):
    procedure = run(factories.procedure(run(factories.agency())))
    execute_sync("UPDATE procedure SET id = {} WHERE id = {}", BIG_ID, procedure.id)
    page = client.get(f"/thu-tuc/{BIG_ID}")
    assert page.status_code == 200 and procedure.name in page.text
    assert client.get(f"/thu-tuc/{BIG_ID + 1}").status_code == 404
    # Rows pointing at it (foreign keys are as wide as the ids they name).
    big = run(Procedure.objects().get(Procedure.id == BIG_ID).run())
    dossier = run(factories.dossier(big))
    execute_sync("UPDATE dossier SET id = {} WHERE id = {}", BIG_ID, dossier.id)
    assert run(Dossier.select(Dossier.procedure).where(Dossier.id == BIG_ID).run()) == [
        {"procedure": BIG_ID}]


@pytest.mark.parametrize("number", [2**63 - 1, 2**63, 10**30])
def test_numbers_no_id_can_be_are_not_found_not_errors(client, number):
    assert client.get(f"/thu-tuc/{number}").status_code == 404
    assert client.get(f"/thu-tuc/{number}/mau/{number}").status_code == 404


def test_restore_check_passes_on_a_whole_copy_and_fails_on_a_broken_chain(db):
    from app.audit import service as audit
    from app.db import write_transaction

    async def entries():
        for i in range(3):
            async with write_transaction():
                await audit.record("test.event", "thing", i)

    run(entries())
    whole = app_cli("restore-check")
    assert whole.returncode == 0, whole.stderr
    assert "integrity_check ok" in whole.stdout and "toàn vẹn" in whole.stdout
    execute_sync("UPDATE audit_entry SET entity_id = {} WHERE id = 2", "sửa")
    broken = app_cli("restore-check")
    assert broken.returncode == 1 and "nhật ký kiểm toán" in broken.stderr


def test_seed_dossiers_writes_to_the_configured_database(db):
    run(factories.procedure(run(factories.agency())))
    done = app_cli("seed", "--dossiers", "300")
    assert done.returncode == 0, done.stderr
    assert "300" in done.stdout
    assert run(Dossier.count().run()) == 300
    # Nothing went to a SQLite file on the side when the URL names PostgreSQL.
    file = get_settings().database_path
    assert file.exists() == (TEST_ENGINE == "sqlite")
