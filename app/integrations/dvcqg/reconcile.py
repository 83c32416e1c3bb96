"""Daily reconciliation: our count of dossiers received on a day, per agency code, against
the national portal's daily totals. A difference means dossiers the portal lacks (or
holds wrongly); the sync page lists each run."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta

from app.db import write_transaction
from app.dossiers.tables import Dossier
from app.formatting import LOCAL_TZ, now_utc, to_local
from app.integrations.calls import PartnerUnavailable
from app.integrations.dvcqg.portal import get_portal
from app.integrations.dvcqg.sync import agency_codes
from app.integrations.dvcqg.tables import Reconciliation


def differences(ours: dict[str, int], portal: dict[str, int]) -> list[dict]:
    """Agencies whose counts differ, by code. Pure."""
    return [{"agency": code, "ours": ours.get(code, 0), "portal": portal.get(code, 0)}
            for code in sorted(set(ours) | set(portal))
            if ours.get(code, 0) != portal.get(code, 0)]


async def our_totals(day: date) -> dict[str, int]:
    start = datetime.combine(day, time.min, LOCAL_TZ)
    rows = await Dossier.select(Dossier.agency).where(
        (Dossier.received_at >= start) & (Dossier.received_at < start + timedelta(days=1)))
    codes = await agency_codes()
    return dict(Counter(codes.get(row["agency"], "") for row in rows))


async def reconcile_day(day: date) -> dict:
    ours = await our_totals(day)
    portal_totals, error = {}, ""
    portal = get_portal()
    if portal is None:
        return {"day": day.isoformat(), "skipped": "not connected"}
    try:
        portal_totals = await portal.daily_totals(day)
    except PartnerUnavailable as exc:
        error = str(exc)
    found = [] if error else differences(ours, portal_totals)
    async with write_transaction():
        await Reconciliation(day=day, ours=ours, portal=portal_totals, differences=found,
                             error=error, checked_at=now_utc()).save()
    return {"day": day.isoformat(), "differences": found, "error": error}


async def reconcile_yesterday() -> dict:
    return await reconcile_day(to_local(now_utc()).date() - timedelta(days=1))


async def recent(limit: int = 14) -> list[dict]:
    return await Reconciliation.select().order_by(Reconciliation.id, ascending=False).limit(limit)
