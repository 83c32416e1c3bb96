"""A seeded province for comparing the hot pages' kept SQL with Piccolo's own queries:
the demo catalogue (Vietnamese names, 8 agencies, 96 procedures with their processes) and
bulk dossiers with their events, on the test's own database (the engine's, either kind)."""

from __future__ import annotations

from dataclasses import dataclass

from app.db import get_engine
from app.demo.loader import PROVINCE_CODE, load_catalogue
from app.directory.service import load_current_units
from app.dossiers.bulk import generate_dossiers
from app.dossiers.tables import Dossier

# Codes no dossier has: empty, malformed, Vietnamese words, SQL and LIKE syntax, too long.
UNKNOWN_CODES = ["", "000.00.17.H55-000101-9999", "Hồ sơ đất đai", "' OR 1=1 --", "%",
                 "_", "000.00.17.h55-260213-0001", "9" * 80]


@dataclass(frozen=True)
class World:
    codes: list[str]
    dossier_ids: list[int]


async def build_world(dossiers: int = 200) -> World:
    await load_current_units(PROVINCE_CODE)
    await load_catalogue()
    generate_dossiers(get_engine().url, dossiers, seed=21)
    rows = await Dossier.select(Dossier.id, Dossier.code).order_by(Dossier.id)
    return World(codes=[r["code"] for r in rows], dossier_ids=[r["id"] for r in rows])
