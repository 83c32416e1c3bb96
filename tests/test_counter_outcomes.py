"""What the counter decides besides accepting: a supplement request listing everything
missing, a refusal with its reason, "not our competence" with the agency to go to."""

import pytest

from app.counter.logic import Outcome, decide, supplement_reason
from app.workflow import Action


def test_supplement_lists_every_missing_component_then_the_note():
    assert supplement_reason(["Tờ khai", "Bản sao CCCD"], " Ảnh 4x6 ") == (
        "Cần bổ sung:\n- Tờ khai\n- Bản sao CCCD\nẢnh 4x6")
    assert supplement_reason([], "Ảnh 4x6") == "Ảnh 4x6"
    assert decide({"outcome": "supplement"}, []).errors
    assert decide({"outcome": "supplement"}, ["Tờ khai"]).params == {
        "reason": "Cần bổ sung:\n- Tờ khai"}


@pytest.mark.parametrize("data, field", [
    ({"outcome": "refuse"}, "reason"),
    ({"outcome": "redirect"}, "target_agency_id"),
    ({"outcome": "bogus"}, "outcome"),
])
def test_each_outcome_requires_its_facts(data, field):
    assert field in decide(data, []).errors


def test_decisions_map_to_machine_actions():
    assert decide({}, []).outcome == Outcome.ACCEPT
    redirect = decide({"outcome": "redirect", "target_agency_id": "7", "reason": "x"}, [])
    assert redirect.outcome.action == Action.REDIRECT
    assert redirect.params == {"target_agency_id": 7, "target_agency_name": "", "reason": "x"}
