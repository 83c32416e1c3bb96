"""Compliance cost: the seed 000 figures reproduced, the arithmetic, the staff page."""

from decimal import Decimal

import pytest

from app.compliance.logic import (
    ComplianceInputError,
    CostModel,
    PlanResult,
    Step,
    compare,
    income_per_hour,
)
from app.compliance.service import plan_for
from tests import factories
from tests.conftest import login, run


def test_seed_000_figures_reproduced():
    plan = plan_for("NB.H55.01")
    assert plan.before.income_per_hour == 25_080  # 4.414.080 đ / 22 days / 8 hours
    result = compare(plan.before, plan.after)
    assert result.before == 24_076_800
    assert result.after == 12_038_400
    assert result.savings == 12_038_400  # the decision misprints it as 12.038.000
    assert result.percent == Decimal("50.00")


def test_step_cost_adds_time_services_fees_and_other_costs():
    step = Step("Nộp hồ sơ", hours=Decimal("1.5"), service_cost=20_000, fee=50_000,
                other_cost=30_000)
    assert step.cost(10_000) == Decimal(115_000)
    model = CostModel(steps=(step, Step("Nhận kết quả", hours=1)), income_per_hour=10_000,
                      times_per_year=2, subjects=3)
    assert model.cost_per_time == 125_000
    assert model.cost_per_year == 750_000
    assert model.hours_per_time == Decimal("2.5")


def test_rounding_is_done_once_on_the_total():
    # 1/3 hour at 25.080 đ is 8.360 đ exactly; 0.1 hour at 33.333 đ is 3.333,3 đ.
    model = CostModel(steps=(Step("a", hours=Decimal("0.1")),), income_per_hour=33_333,
                      times_per_year=10, subjects=1)
    assert model.cost_per_time == 3_333
    assert model.cost_per_year == 33_333


def test_percentages_and_no_cost_before():
    assert PlanResult(before=3, after=2).percent == Decimal("33.33")
    assert PlanResult(before=0, after=0).percent == Decimal(0)
    assert PlanResult(before=100, after=120).savings == -20


@pytest.mark.parametrize("bad", [
    lambda: Step("x", hours=-1),
    lambda: Step("x", fee=-5),
    lambda: CostModel(steps=(), income_per_hour=1, times_per_year=1, subjects=1),
    lambda: CostModel(steps=(Step("x"),), income_per_hour=1, times_per_year=-1, subjects=1),
    lambda: income_per_hour(1000, working_days=0),
])
def test_bad_inputs_are_refused_in_vietnamese(bad):
    with pytest.raises(ComplianceInputError) as error:
        bad()
    assert "không" in str(error.value) or "phải" in str(error.value) or "Cần" in str(error.value)


def test_cost_page_shows_seed_figures_and_dossier_counts(client):
    from app.accounts import service as accounts
    from app.accounts.roles import Role
    from app.catalog.tables import Procedure

    async def make():
        office = await factories.agency("Văn phòng UBND tỉnh")
        procedure = await factories.procedure(office, "Cấp phát, thu hồi tài khoản")
        await Procedure.update({Procedure.code: "NB.H55.01"}).where(
            Procedure.id == procedure.id)
        await factories.dossier(procedure)
        await accounts.create_user(username="cb.chiphi", password="Chiphi2026xyz",
                                   full_name="Cán bộ", role=Role.HANDLER,
                                   agency_ids=[office.id])
        return procedure.id

    procedure_id = run(make())
    login(client, "cb.chiphi", "Chiphi2026xyz")
    page = client.get(f"/can-bo/chi-phi-tuan-thu/{procedure_id}")
    assert page.status_code == 200
    for text in ("24.076.800 đ/năm", "12.038.400 đ/năm", "50%", "1 hồ sơ"):
        assert text in page.text
    assert client.get("/can-bo/chi-phi-tuan-thu/999999").status_code == 404
