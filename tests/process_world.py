"""A commune with its approved five-step process and four officers, for the tests of who
may act at which step (through the real app and its database):

    1 Tiếp nhận hồ sơ              counter officer                2 h
    2 Thụ lý hồ sơ                 handler                       12 h
    3 Trưởng phòng xem xét, trình ký  unit leader (approval)     4 h
    4 Chủ tịch UBND phường ký       Chairman (signature)          4 h
    5 Trả kết quả                   counter officer                2 h

3 working days = 24 office hours. `state_of` reads everything a refused action must leave
untouched: the dossier row, its events, the audit chain."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Position, Role
from app.audit.tables import AuditEntry
from app.catalog.tables import Procedure, ProcedureComponent
from app.dossiers.tables import Dossier, DossierEvent
from tests import factories
from tests.conftest import form_fields, run
from tests.signing_world import draft_pdf, signing  # noqa: F401  (fixture)

STEPS = (
    ("Tiếp nhận hồ sơ", "reception", ("counter_officer",), 2),
    ("Thụ lý hồ sơ", "handling", ("handler",), 12),
    ("Trưởng phòng xem xét, trình ký", "approval", ("unit_leader",), 4),
    ("Chủ tịch UBND phường ký", "signature", ("chairman",), 4),
    ("Trả kết quả", "return", ("counter_officer",), 2),
)
OFFICERS = (("motcua", Role.COUNTER_OFFICER, Position.NONE),
            ("thuly", Role.HANDLER, Position.NONE),
            ("thuly2", Role.HANDLER, Position.NONE),
            ("truongphong", Role.LEADER, Position.UNIT_LEADER),
            ("chutich", Role.LEADER, Position.CHAIRMAN))


@dataclass
class Commune:
    procedure_id: int
    component_id: int
    users: dict  # username -> CurrentUser
    cookies: dict  # username -> session cookie


async def make_commune() -> Commune:
    agency = await factories.agency("UBND phường Kon Tum")
    procedure = await factories.procedure(agency, "Cấp Giấy xác nhận tình trạng hôn nhân",
                                          steps=())
    await Procedure.update({Procedure.time_limit_amount: 3}).where(Procedure.id == procedure.id)
    await factories.process(procedure, STEPS)
    component = ProcedureComponent(procedure=procedure.id, position=1, name="Tờ khai",
                                   kind="original", quantity=1)
    await component.save()
    users, cookies = {}, {}
    for username, role, position in OFFICERS:
        user = await accounts.create_user(
            username=username, password="abc12345", full_name=f"Cán bộ {username}", role=role,
            agency_ids=[agency.id], position=position)
        token = await accounts.start_session(user, "127.0.0.1", "t")
        users[username] = await accounts.load_session(token)
        cookies[username] = accounts.cookie_value(token)
    return Commune(procedure.id, component.id, users, cookies)


@pytest.fixture
def commune(client, signing) -> Commune:  # noqa: F811
    """The commune; the server holds the Chairman's signing key ("Ký số" works)."""
    made = run(make_commune())
    run(signing.give_key("chutich", "Cán bộ chutich"))
    return made


def as_(client, commune: Commune, username: str) -> None:
    client.cookies.clear()
    client.cookies.set("motcua_session", commune.cookies[username])


def page_of(client, dossier_id: int) -> str:
    return client.get(f"/can-bo/ho-so/{dossier_id}").text


def attach_draft(client, dossier_id: int):
    """The handler attaches the draft result (a small PDF) at their step."""
    return act(client, dossier_id, "attach_draft",
               files={"file": ("du-thao.pdf", draft_pdf(), "application/pdf")})


def act(client, dossier_id: int, action: str, page: str | None = None, files=None, **fields):
    """Press an action's button on `page` (the dossier page as the user sees it now, or an
    older copy of it) and post its form. A page offering no action has no form: the post
    is then forged, with the dossier's current version (as someone determined would)."""
    page = page if page is not None else page_of(client, dossier_id)
    data = form_fields(page)
    data.setdefault("version", str(Dossier.select(Dossier.version).where(
        Dossier.id == dossier_id).first().run_sync()["version"]))
    return client.post(f"/can-bo/ho-so/{dossier_id}/thao-tac",
                       data={**data, "action": action, **fields}, files=files,
                       follow_redirects=False)


def receive_at_counter(client, commune: Commune) -> int:
    as_(client, commune, "motcua")
    url = f"/mot-cua/tiep-nhan/{commune.procedure_id}"
    done = client.post(url, data={
        **form_fields(client.get(url).text), "applicant_name": "Y Blông",
        "applicant_id_number": "062190001234", "applicant_phone": "0905123456",
        "channel": "1", "components": str(commune.component_id)}, follow_redirects=False)
    assert done.status_code == 303, done.text[:500]
    return Dossier.select(Dossier.id).order_by(Dossier.id, ascending=False).first(
        ).run_sync()["id"]


def state_of(dossier_id: int) -> tuple:
    """Everything a refused action must leave as it was."""
    row = Dossier.select().where(Dossier.id == dossier_id).first().run_sync()
    events = DossierEvent.select().where(DossierEvent.dossier == dossier_id).order_by(
        DossierEvent.id).run_sync()
    audit = AuditEntry.select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id).run_sync()
    return row, events, audit
