"""Compliance cost of a procedure before and after its simplification plan (staff)."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template

from app.compliance import service as compliance
from app.compliance.logic import compare
from app.web.auth import requires_staff


class ComplianceController(Controller):
    path = "/can-bo/chi-phi-tuan-thu"
    guards = [requires_staff]

    @get("/{procedure_id:int}", name="compliance.cost")
    async def cost(self, request: Request, procedure_id: FromPath[int]) -> Template:
        procedure = await compliance.procedure(procedure_id)
        if procedure is None:
            raise NotFoundException("Không tìm thấy thủ tục này.")
        plan = compliance.plan_for(procedure["code"])
        figures = await compliance.dossier_figures(procedure_id)
        observed = None
        if plan is not None and figures.count:
            observed = compare(compliance.with_observed_frequency(plan.before, figures),
                               compliance.with_observed_frequency(plan.after, figures))
        return Template("compliance/cost.html", context={
            "procedure": procedure, "plan": plan, "figures": figures, "observed": observed,
            "result": compare(plan.before, plan.after) if plan else None,
        })
