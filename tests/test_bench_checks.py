"""The load bench refuses to report a page's speed when it timed something else (issue #21:
its lookup scenario once timed 2,476 refusals per second from the lookup limiter)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _load_bench():
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location("bench_load", BENCH / "load.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCH))


def _run(module, statuses: dict[int, int], expected: int):
    run = module.Run()
    for status, count in statuses.items():
        run.latencies += [0.001] * count
        run.statuses[status] += count
        if status == 200 or status == 404:
            run.ok += count
    run.errors = sum(statuses.values()) - expected
    return run


def test_a_run_of_refusals_is_named_and_fails():
    bench = _load_bench()
    refused = _run(bench, {200: 100, 429: 9_900}, expected=100)
    fine = _run(bench, {200: 8_000, 404: 2_000}, expected=10_000)
    (problem,) = bench.wrong_answers({"a": refused, "d": fine})
    assert problem.startswith("(a) lookup") and "429: 9,900" in problem
    assert "limiter" in problem


def test_a_few_stray_answers_are_tolerated_but_not_many():
    bench = _load_bench()
    assert bench.wrong_answers({"d": _run(bench, {200: 995, 500: 5}, expected=995)}) == []
    assert bench.wrong_answers({"d": _run(bench, {200: 980, 500: 20}, expected=980)})
    assert bench.wrong_answers({"d": bench.Run()})  # nothing answered at all
