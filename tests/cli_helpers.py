"""Running `python -m app …` in a subprocess, as the IT team does."""

import os
import subprocess
import sys


def app_cli(*args, var_dir):
    env = {**os.environ, "MOTCUA_VAR_DIR": str(var_dir)}
    return subprocess.run([sys.executable, "-m", "app", *args], env=env,
                          capture_output=True, text=True, timeout=120)
