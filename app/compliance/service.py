"""Compliance cost of a procedure: the stored plan and the figures from our own dossiers."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path

from app.catalog.tables import Procedure
from app.compliance.logic import CostModel, Step, average_hours, income_per_hour
from app.dossiers.tables import Dossier
from app.formatting import now_utc

PLANS_FILE = Path(__file__).parent / "data" / "plans.json"


@dataclass(frozen=True)
class Plan:
    decision: str
    before: CostModel
    after: CostModel


@dataclass(frozen=True)
class DossierFigures:
    """What the system itself saw in the last twelve months for the procedure."""

    count: int
    agencies: int  # distinct applicants' agencies / applicants: the subjects
    average_hours: Decimal | None


def _model(data: dict, hourly: int) -> CostModel:
    steps = tuple(Step(name=s["name"], hours=Decimal(str(s.get("hours", 0))),
                       service_cost=s.get("service_cost", 0), fee=s.get("fee", 0),
                       other_cost=s.get("other_cost", 0)) for s in data["steps"])
    return CostModel(steps=steps, income_per_hour=hourly,
                     times_per_year=Decimal(str(data["times_per_year"])),
                     subjects=data["subjects"])


@cache
def _plans() -> dict:
    return json.loads(PLANS_FILE.read_text(encoding="utf-8"))["plans"]


def plan_for(procedure_code: str) -> Plan | None:
    data = _plans().get(procedure_code)
    if data is None:
        return None
    hourly = income_per_hour(data["monthly_income"])
    return Plan(decision=data["decision"], before=_model(data["before"], hourly),
                after=_model(data["after"], hourly))


async def procedure(procedure_id: int) -> dict | None:
    return await Procedure.select(Procedure.id, Procedure.code, Procedure.name).where(
        Procedure.id == procedure_id).first()


async def dossier_figures(procedure_id: int) -> DossierFigures:
    """Times per year and actual durations from dossiers received in the last 365 days."""
    since = now_utc() - timedelta(days=365)
    rows = await Dossier.select(Dossier.applicant_name, Dossier.received_at,
                                Dossier.finished_at).where(
        (Dossier.procedure == procedure_id) & (Dossier.received_at >= since))
    durations = [(r["finished_at"] - r["received_at"]).total_seconds() / 3600
                 for r in rows if r["finished_at"] and r["received_at"]]
    return DossierFigures(count=len(rows), agencies=len({r["applicant_name"] for r in rows}),
                          average_hours=average_hours(durations))


def with_observed_frequency(model: CostModel, figures: DossierFigures) -> CostModel:
    """The same steps, with times per year × subjects replaced by the dossiers counted."""
    return CostModel(steps=model.steps, income_per_hour=model.income_per_hour,
                     times_per_year=Decimal(figures.count), subjects=1)
