"""Every migration runs forwards on an empty database, and nothing is left pending."""

import subprocess
import sys

from app.piccolo_app import TABLES


def test_migrations_run_forwards_on_an_empty_database(tmp_path):
    env = {"MOTCUA_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "app", "migrate"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    import sqlite3

    conn = sqlite3.connect(tmp_path / "motcua.db")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {t._meta.tablename for t in TABLES} <= tables
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # Running again is a no-op, not an error.
    again = subprocess.run([sys.executable, "-m", "app", "migrate"], env=env,
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr


def test_no_model_change_lacks_a_migration():
    """The tables in code match the schema the migrations build (what
    `piccolo migrations new --auto` would compare), so nobody forgets a migration."""
    import asyncio

    from piccolo.apps.migrations.commands.new import AutoMigrationManager

    from app.piccolo_app import APP_CONFIG

    statements = asyncio.run(AutoMigrationManager().get_alter_statements(APP_CONFIG))
    pending = [s for group in statements for s in group.statements]
    assert pending == [], pending
