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
# Two moments at a time (one per core), each into its own log, shown in order.
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
check() {
  local index=$1 entry=$2 rc=0; shift 2
  TZ=UTC TEST_CLOCK=system FAKETIME_DONT_FAKE_MONOTONIC=1 \
    faketime "${entry%%|*}" "$PY" -m pytest -q -p no:cacheprovider -m clock "${files[@]}" "$@" \
    >"$logs/$index.log" 2>&1 || rc=$?
  echo "$rc" >"$logs/$index.rc"
}
for index in "${!moments[@]}"; do
  check "$index" "${moments[$index]}" "$@" &
  if (( index % 2 == 1 )); then wait; fi
done
wait
status=0
for index in "${!moments[@]}"; do
  echo "== faketime: ${moments[$index]#*|}"
  tail -n 1 "$logs/$index.log"
  rc=$(cat "$logs/$index.rc")
  if (( rc != 0 )); then cat "$logs/$index.log"; status=$rc; fi
done
echo "faketime check: 5 moments in $((SECONDS - started)) s"
exit $status
