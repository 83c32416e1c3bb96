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
