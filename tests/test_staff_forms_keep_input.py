"""Staff forms come back with what was typed after an error (issue #16: "errors wipe typed
input"). The dossier page's action forms and the counter reception are another helper's.
Checked elsewhere: calendar (test_calendar_admin), queue filters and bulk form
(test_web_queue), feedback handling (test_feedback), paper receptions, notification
templates and the counter identity check (their own tests, already keeping input)."""

from __future__ import annotations

from app.accounts import service as accounts
from app.catalog.tables import Procedure
from app.internal import service as internal
from app.internal.tables import AccountRequestPerson
from app.workflow import Action
from app.workflow.service import perform
from tests.conftest import csrf_from, run
from tests.test_internal import office_world, person


def test_handover_of_a_document_system_account_keeps_what_was_typed(client):
    async def make():
        office, agency, procedure, users = await office_world()
        await Procedure.update({Procedure.code: "NB.H55.02"}).where(Procedure.id == procedure.id)
        dossier_id = await internal.submit_request(users["quantri"], procedure.id, "", "",
                                                   [person(role="")])
        await perform(dossier_id, users["vanthu"], Action.ACCEPT)
        await perform(dossier_id, users["lanhdao"], Action.FORWARD)
        await internal.decide(dossier_id, users["lanhdao"], approve=True)
        (listed,) = await AccountRequestPerson.select(AccountRequestPerson.id)
        return dossier_id, listed["id"], accounts.cookie_value(users["vanthu"].session_token)

    dossier_id, person_id, cookie = run(make())
    client.cookies.set("motcua_session", cookie)
    page = client.get(f"/noi-bo/de-nghi/{dossier_id}")
    refused = client.post(f"/noi-bo/de-nghi/{dossier_id}/ban-giao", data={
        "person_id": str(person_id), "account_name": "canbo1.stp", "handed_over_by": "",
        "_csrf_token": csrf_from(page.text)})
    assert refused.status_code == 400 and "người bàn giao" in refused.text
    assert 'name="account_name" value="canbo1.stp"' in refused.text
