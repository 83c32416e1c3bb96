#!/usr/bin/env bash
# The tests marked `clock` (outcome depends on the date or the hour) on the system clock at
# five awkward moments, with libfaketime (Debian `faketime`) faking it: a Saturday, New
# Year's Eve at 23:30, the eve of Tết, the make-up working Saturday 22/08/2026 and 16:59 on
# a Friday (all Asia/Ho_Chi_Minh). The rest of the suite runs on a pinned clock
# (tests/conftest.py), so it cannot tell whether these hold on any day; this can.
# In-process tests only: under faketime every subprocess wait fails (EINVAL) and socket
# servers in threads can crash, so `clock` tests start neither. Extra args go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
command -v faketime >/dev/null || { echo "faketime missing: make install-test"; exit 2; }
# "UTC time|what it is, local time"
moments=(
  "2026-12-05 03:00:00|Saturday 05/12/2026 10:00"
  "2026-12-31 16:30:00|Thursday 31/12/2026 23:30, New Year's Eve"
  "2026-02-16 02:00:00|Monday 16/02/2026 09:00, eve of Tết (a day off)"
  "2026-08-22 01:30:00|Saturday 22/08/2026 08:30, a make-up working day"
  "2026-12-04 09:59:00|Friday 04/12/2026 16:59, a minute before closing"
)
# Only the files that hold such tests: collecting the whole suite five times costs more.
mapfile -t files < <(grep -l "pytest.mark.clock" tests/test_*.py)
started=$SECONDS
for entry in "${moments[@]}"; do
  at=${entry%%|*}
  echo "== faketime: ${entry#*|}"
  TZ=UTC TEST_CLOCK=system FAKETIME_DONT_FAKE_MONOTONIC=1 \
    faketime "$at" "$PY" -m pytest -q -p no:cacheprovider -m clock "${files[@]}" "$@"
done
echo "faketime check: 5 moments in $((SECONDS - started)) s"
