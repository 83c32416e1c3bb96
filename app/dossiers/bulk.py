"""Bulk generation of realistic historical dossiers, for dashboards and benchmarks.

Through Piccolo a million dossiers would take hours. Rows here are plain tuples built from
precomputed tables and written by the database's own bulk writer on a connection of its
own (`sqlite_bulk_writer`: sqlite-utils with `synchronous=OFF`; `postgres_bulk_writer`:
COPY), chosen by the database URL. Each chunk is one short transaction holding the app's
write lock that checks the highest id and each agency's daily sequences, so reruns never
collide. Times are
whole UTC seconds in Piccolo's Timestamptz text ("2026-02-13 03:00:00+00:00"); due dates
skip weekends only, the holiday calendar comes later."""

from __future__ import annotations

import random
import time
from bisect import bisect_left
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate

from app.db import dialect_module
from app.dossiers.logic import Status
from app.formatting import now_utc

DAY = 86400
# Office hours 07:30-11:30 and 13:30-17:00 in Asia/Ho_Chi_Minh (UTC+7, no DST) are
# 00:30-04:30 and 06:30-10:00 UTC: the same calendar day, so local and UTC dates agree.
OPEN, NOON, REOPEN, CLOSE = 1800, 16200, 23400, 36000
CHUNK = 20_000  # dossiers per transaction (~1 s): the app waits less than its busy_timeout
BACK = 7  # days kept before `start` so online submissions may precede the first receipt
# Rough weights: central Việt Nam has more Võ, Huỳnh and Phạm than the national mix.
FAMILY = {"Nguyễn": 30, "Trần": 9, "Lê": 9, "Phạm": 8, "Huỳnh": 6, "Võ": 6, "Phan": 4,
          "Hoàng": 3, "Trương": 2, "Đặng": 2, "Bùi": 2, "Đỗ": 2, "Hồ": 2, "Ngô": 2, "Dương": 1,
          "Lý": 1, "Đinh": 1, "Lương": 1, "Đoàn": 1}
MIDDLE = (("Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Thanh", "Quốc", "Xuân"),
          ("Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Phương", "Bích", "Hồng"))
GIVEN = (("An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Huy", "Khoa", "Long", "Nam", "Phúc",
          "Quân", "Sơn", "Tài", "Thắng", "Trung", "Tuấn", "Việt", "Vinh", "Tâm"),
         ("Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai",
          "Nhung", "Oanh", "Quỳnh", "Thảo", "Trang", "Uyên", "Yến", "Vy", "Hằng"))
BIRTH_PROVINCES = ("051",) * 14 + ("049", "052", "062", "048", "079", "001")  # CCCD 1-3
PHONE_PREFIXES = tuple(f"0{p}" for p in [*range(32, 40), 70, *range(76, 80), *range(81, 87),
                                         88, 89, 90, 91, 93, 94, 96, 97, 98])
STREETS = ("Quang Trung", "Hùng Vương", "Phan Đình Phùng", "Lê Lợi", "Nguyễn Nghiêm",
           "Trần Hưng Đạo", "Phạm Văn Đồng", "Lê Trung Đình", "Nguyễn Du", "Bà Triệu")
COMMUNES = ("phường Cẩm Thành", "phường Nghĩa Lộ", "xã Tịnh Khê", "xã Bình Sơn",  # fallback
            "xã Sơn Tịnh", "xã Tư Nghĩa", "xã Mộ Đức", "phường Đức Phổ", "xã Ba Tơ")
DOSSIER_COLUMNS = ["id", "code", "procedure", "agency", "applicant_name", "applicant_id_number",
                   "applicant_phone", "applicant_address", "channel", "status", "created_at",
                   "received_at", "due_at", "finished_at", "returned_at"]
EVENT_COLUMNS = ["dossier", "at", "action", "from_status", "to_status"]
NEW, RECEIVED, PROCESSING, SUPPLEMENT, PROCESSED, RETURNED = map(int, (
    Status.NEW, Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT_REQUESTED,
    Status.PROCESSED, Status.RETURNED))


class BulkGenerationError(RuntimeError):
    """Nothing to generate from (no procedures, no working day in the range)."""


def _limit(amount, unit: str) -> tuple[int, int, int]:
    """(calendar days, working days, extra seconds) of a procedure's time limit."""
    amount = float(amount or 0)
    if unit in ("calendar_days", "months"):
        return max(1, round(amount * (30 if unit == "months" else 1))), 0, 0
    hours = max(1.0, amount if unit == "hours" else amount * 8)
    return 0, int(hours // 8), int((hours % 8) * 3600)


def _people(rng: random.Random, communes: list[str]) -> tuple[list, list]:
    """Pools of (full name, CCCD prefix) and addresses; digits are drawn per dossier."""
    families, weights, people = list(FAMILY), list(FAMILY.values()), []
    for _ in range(8192):
        female, year = rng.random() < 0.5, rng.randint(1950, 2007)
        people.append((f"{rng.choices(families, weights)[0]} {rng.choice(MIDDLE[female])} "
                       f"{rng.choice(GIVEN[female])}", f"{rng.choice(BIRTH_PROVINCES)}"
                       f"{female + 2 * (year >= 2000)}{year % 100:02d}"))
    addresses = [(f"Thôn {rng.randint(1, 9)}" if rng.random() < 0.5 else
                  f"{rng.randint(1, 300)} {rng.choice(STREETS)}") + f", {rng.choice(communes)}"
                 for _ in range(2048)]
    return people, addresses


class _Calendar:
    """Day tables, so the hot loop does integer arithmetic and lookups, no datetime work.
    Day 0 is BACK days before `start`; times are seconds since its midnight UTC."""

    def __init__(self, start: date, end: date, span: int, now: datetime):
        self.base = base = start - timedelta(BACK)
        horizon = (end - base).days + span
        self.wdays = [d for d in range(horizon) if (base + timedelta(d)).weekday() < 5]
        self.ordinal = [bisect_left(self.wdays, d) for d in range(horizon)]  # wday index >= d
        self.days = [f"{base + timedelta(d)} " for d in range(horizon)]
        self.ymd = [f"{base + timedelta(d):%y%m%d}" for d in range(horizon)]
        self.clock = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}+00:00" for s in range(DAY)]
        self.now = int((now - datetime(*base.timetuple()[:3], tzinfo=UTC)).total_seconds())

    def ts(self, t: int) -> str:
        return self.days[t // DAY] + self.clock[t % DAY]

    def office(self, d: int, r: float) -> int:
        """A time in office hours on day d, from a uniform draw r; mornings are busier."""
        return d * DAY + (OPEN + int(r / 0.6 * (NOON - OPEN)) if r < 0.6
                          else REOPEN + int((r - 0.6) / 0.4 * (CLOSE - REOPEN)))

    def workday(self, d: int, n: int) -> int:
        """The n-th working day after day d (d itself when n is 0 and d is a working day)."""
        return self.wdays[self.ordinal[d] + n]

    def due(self, t: int, cal: int, wd: int, extra: int) -> int:
        if cal:  # a deadline falling on a weekend moves to the next working day
            return self.workday(t // DAY + cal, 0) * DAY + t % DAY
        d, s = t // DAY, t % DAY + extra
        if s > CLOSE:
            wd, s = wd + 1, OPEN + s - CLOSE
        return self.workday(d, wd) * DAY + s


def _day_counts(rng, count: int, cal: _Calendar, first: int, last: int) -> list[tuple]:
    """(day, dossiers) per working day up to now: busier Mondays, noisy days, slow growth."""
    days = [d for d in cal.wdays if first <= d <= last and d * DAY + OPEN < cal.now]
    if not days:
        raise BulkGenerationError("the date range has no working day before now")
    weights = [  # today, if open, counts for the share of office hours already gone
        (1.15 if (d + cal.base.weekday()) % 7 == 0 else 1.0) * (0.8 + 0.4 * rng.random())
        * (1 + 0.3 * (d - first) / max(1, last - first))
        * min(1.0, (cal.now - d * DAY - OPEN) / (CLOSE - OPEN)) for d in days]
    scale = count / sum(weights)
    counts = [int(w * scale) for w in weights]
    for i in rng.choices(range(len(days)), weights, k=count - sum(counts)):
        counts[i] += 1
    return list(zip(days, counts, strict=True))


def _state(db, lo: str, hi: str) -> tuple[int, dict[tuple[int, str], int]]:
    """The next dossier id, and (agency id, yymmdd) -> highest daily sequence used between
    days lo and hi, by a range search on the unique code index (agency codes have no '-')."""
    return db.query("SELECT coalesce(max(id), 0) + 1 FROM dossier")[0][0], {
        (aid, day): top for aid, day, top in db.query(
            "SELECT a.id, substr(d.code, length(a.code) + 2, 6), max(CAST(substr(d.code, "
            "length(a.code) + 9) AS INTEGER)) FROM agency a JOIN dossier d ON d.code > a.code"
            " || '-' || ? AND d.code < a.code || '-' || ? || '.' WHERE a.id IN (SELECT agency"
            " FROM procedure WHERE active) GROUP BY 1, 2", (lo, hi))}


def _rows(rng, cal: _Calendar, plan, procs, cum, people, addresses, next_id, taken):
    """Dossier and event tuples for the planned days, headed by their column names."""
    rnd, ts, office, workday, now = rng.random, cal.ts, cal.office, cal.workday, cal.now
    n_people, n_addr, n_phone = len(people), len(addresses), len(PHONE_PREFIXES)
    rows, events = [DOSSIER_COLUMNS], [EVENT_COLUMNS]
    agency_ids = {p[1] for p in procs}
    for day, n in plan:
        day_code, today = cal.ymd[day], day * DAY + CLOSE > now
        seqs = {aid: taken.get((aid, day_code), 0) for aid in agency_ids}
        times = sorted(day * DAY + OPEN + int(rnd() * (now - day * DAY - OPEN)) if today
                       else office(day, rnd()) for _ in range(n))
        for t_rec, proc in zip(times, rng.choices(procs, cum_weights=cum, k=n), strict=True):
            pid, aid, acode, cal_days, wd, extra = proc
            seqs[aid] = seq = seqs[aid] + 1
            r = rnd()
            channel = 1 if r < 0.55 else 2 if r < 0.95 else 3
            # Online dossiers are submitted any time before a clerk receives them.
            t_new = t_rec - (1800 + int(rnd() * DAY) if channel == 2 else 120 + int(r * 900))
            t_due = cal.due(t_rec, cal_days, wd, extra)
            r = rnd()
            if r < 0.1:  # late; one in fifty of those is never finished
                t_fin = (1 << 40) if r < 0.002 else office(
                    workday(t_due // DAY, 1 + int(r * r * 1500)), rnd())
            else:
                k = int(rnd() * (cal.ordinal[t_due // DAY] - cal.ordinal[day] + 1))
                t_fin = min(t_due, max(office(workday(day, k), r), t_rec + 300 + int(r * 3600)))
            t_asg = min(t_rec + 300 + int(rnd() * 7200), (t_rec + t_fin) // 2)
            rec, fin, ret, supp = ts(t_rec), None, None, None
            if t_fin <= now:
                fin, r = ts(t_fin), rnd()
                t_ret = (t_fin + 300 + int(r * 14400) if channel == 2 else
                         max(t_fin + 300, office(workday(t_fin // DAY, int(r * r * 5)), r)))
                status = RETURNED if t_ret <= now and r > 0.02 else PROCESSED
                ret = ts(t_ret) if status == RETURNED else None
            elif t_asg > now:
                status = RECEIVED
            elif rnd() < 0.08:
                status, supp = SUPPLEMENT, ts(t_asg + int(rnd() * (now - t_asg)))
            else:
                status = PROCESSING
            did = next_id + len(rows) - 1  # rows starts with the column names
            name, id_prefix = people[int(rnd() * n_people)]
            rows.append((did, f"{acode}-{day_code}-{seq:04d}", pid, aid, name,
                         f"{id_prefix}{int(rnd() * 1e6):06d}",
                         f"{PHONE_PREFIXES[int(rnd() * n_phone)]}{int(rnd() * 1e7):07d}",
                         addresses[int(rnd() * n_addr)], channel, status, ts(t_new), rec,
                         ts(t_due), fin, ret))
            events += [(did, ts(t_new), "submitted", None, NEW),
                       (did, rec, "received", NEW, RECEIVED)]
            if status != RECEIVED:
                events.append((did, ts(t_asg), "assigned", RECEIVED, PROCESSING))
            if supp:
                events.append((did, supp, "supplement_requested", PROCESSING, SUPPLEMENT))
            if fin:
                events.append((did, fin, "processed", PROCESSING, PROCESSED))
            if ret:
                events.append((did, ret, "returned", PROCESSED, RETURNED))
    return rows, events


def generate_dossiers(database: str, count: int, *, seed: int = 1, start: date | None = None,
                      end: date | None = None) -> dict:
    """Add `count` dossiers received on weekdays between `start` and `end` (default: the
    last two years up to today) for the catalogue's active procedures, with their events.
    `database` is a URL (`sqlite:///…`, `postgresql://…`) or an SQLite file's path."""
    began, rng, now = time.perf_counter(), random.Random(seed), now_utc()
    end = end or now.date()
    start = start or end - timedelta(days=730)
    url = database if "://" in database else f"sqlite:///{database}"
    db = dialect_module("app.dossiers", "bulk_writer", url).Writer(url)
    try:
        procs = [(pid, aid, code, *_limit(amount, unit)) for pid, aid, code, amount, unit in
                 db.query("SELECT p.id, p.agency, a.code, p.time_limit_amount, "
                            "p.time_limit_unit FROM procedure p JOIN agency a ON a.id = p.agency"
                            " WHERE p.active ORDER BY p.id")]
        if not procs:
            raise BulkGenerationError("no active procedures in the catalogue: load it first")
        communes = [f"{kind[:1].lower()}{kind[1:]} {name}" for kind, name in db.query(
            "SELECT level_name, name FROM admin_unit WHERE active AND level = 'xa' ORDER BY id"
            " LIMIT 500")] or list(COMMUNES)
        people, addresses = _people(rng, communes)
        rng.shuffle(procs)  # popularity follows a Zipf curve over a seeded order
        cum = list(accumulate(1 / (rank + 1) ** 0.9 for rank in range(len(procs))))
        cal = _Calendar(start, end, max(p[3] + 2 * p[4] for p in procs) + 120, now)
        plan = _day_counts(rng, count, cal, BACK, (end - cal.base).days)
        chunks: dict[int, list] = {}  # days grouped by the CHUNK their first dossier falls in
        for (day, n), upto in zip(plan, accumulate(n for _, n in plan), strict=True):
            chunks.setdefault((upto - n) // CHUNK, []).append((day, n))
        n_dossiers = n_events = 0
        for chunk in chunks.values():
            # Rows are built outside the write lock: the gap lets the app's writers in.
            days, snapshot = (cal.ymd[chunk[0][0]], cal.ymd[chunk[-1][0]]), rng.getstate()
            state = _state(db, *days)
            rows, events = _rows(rng, cal, chunk, procs, cum, people, addresses, *state)
            db.begin()
            if (fresh := _state(db, *days)) != state:  # someone wrote dossiers meanwhile
                rng.setstate(snapshot)
                rows, events = _rows(rng, cal, chunk, procs, cum, people, addresses, *fresh)
            db.insert("dossier", rows)
            db.insert("dossier_event", events)
            db.commit()
            n_dossiers, n_events = n_dossiers + len(rows) - 1, n_events + len(events) - 1
        db.finish()
    finally:
        db.close()  # closing inside a failed chunk's transaction rolls it back
    return {"dossiers": n_dossiers, "events": n_events,
            "seconds": round(time.perf_counter() - began, 2)}
