"""The command line as the IT team uses it: `python -m app …` in a subprocess."""

import os
import subprocess
import sys


def app_cli(*args, var_dir):
    env = {**os.environ, "MOTCUA_VAR_DIR": str(var_dir)}
    return subprocess.run([sys.executable, "-m", "app", *args], env=env,
                          capture_output=True, text=True, timeout=120)


def test_deadline_over_tet_2026(tmp_path):
    result = app_cli("deadline", "--start", "2026-02-13T10:00", "--amount", "5",
                     "--unit", "working", var_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    # Friday before Tết: 5.5 office hours that day, then 14–22/02 off, due Friday 27/02 10:00.
    assert result.stdout.strip() == "2026-02-27T10:00:00+07:00"


def test_deadline_refuses_bad_input_in_vietnamese(tmp_path):
    result = app_cli("deadline", "--start", "hôm qua", "--amount", "5", "--unit", "working",
                     var_dir=tmp_path)
    assert result.returncode == 2
    assert "Không tính được thời hạn" in result.stderr


def test_createuser_and_seed_need_valid_input(db):
    var_dir = db.parent
    weak = app_cli("createuser", "x", "--name", "X", "--role", "handler", "--password", "123",
                   var_dir=var_dir)
    assert weak.returncode == 2 and "ít nhất 10 ký tự" in weak.stderr
    empty = app_cli("seed", var_dir=var_dir)
    assert empty.returncode == 2 and "--demo" in empty.stderr


def test_createuser_with_an_id_number_is_verified_by_the_admin(db):
    from tests.sql import execute_sync, scalar_sync

    made = app_cli("createuser", "4300856141", "--name", "Công ty TNHH Sông Trà", "--role",
                   "organisation", "--id-number", "4300856141", "--password", "songTra2026",
                   var_dir=db.parent)
    assert made.returncode == 0, made.stderr
    assert "(đã xác thực số định danh)" in made.stdout
    staff = app_cli("createuser", "thuly.x", "--name", "Võ Thị Mai", "--role", "handler",
                    "--password", "thuLy2026abc", var_dir=db.parent)
    assert staff.returncode == 0 and "xác thực" not in staff.stdout
    rows = {row["username"]: row["verified"] for row in execute_sync(
        "SELECT username, id_verified_at IS NOT NULL AS verified FROM app_user")}
    vouched = scalar_sync("SELECT COUNT(*) FROM audit_entry WHERE action = "
                          "'user.identity_vouched'")
    assert rows == {"4300856141": 1, "thuly.x": 0} and vouched == 1
