"""What the bench scripts share: the app's own CLI run against a throw-away data folder."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def app_command(var_dir: Path, *args: str) -> float:
    """`python -m app ARGS` with `var_dir` as its data folder and no other MOTCUA_ setting
    of this shell leaking in; returns the seconds it took."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_")}
    env["MOTCUA_VAR_DIR"] = str(var_dir)
    began = time.perf_counter()
    subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - began
