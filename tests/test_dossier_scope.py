"""Who sees which dossiers: staff their agencies, applicants their own, lookup by code."""

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.dossiers import service as dossiers
from tests import factories
from tests.conftest import run

pytestmark = pytest.mark.anyio


async def user_with(role: Role, agency_ids=(), username=None):
    user = await accounts.create_user(
        username=username or f"{role.value}.{agency_ids}", password="abc12345",
        full_name="Người thử", role=role, agency_ids=list(agency_ids))
    token = await accounts.start_session(user, "127.0.0.1", "test")
    return await accounts.load_session(token)


async def two_agencies_with_dossiers():
    x, y = await factories.agency("Sở X"), await factories.agency("Sở Y")
    px, py = await factories.procedure(x), await factories.procedure(y)
    for _ in range(3):
        await factories.dossier(px)
    await factories.dossier(py)
    return x, y


def total(counts):
    return sum(c["count"] for c in counts)


async def test_staff_see_only_their_agencies(db):
    x, y = await two_agencies_with_dossiers()
    handler_x = await user_with(Role.HANDLER, [x.id])
    assert total(await dossiers.status_counts(handler_x)) == 3
    assert {d["agency_name"] for d in await dossiers.recent_dossiers(handler_x)} == {"Sở X"}
    both = await user_with(Role.LEADER, [x.id, y.id])
    assert total(await dossiers.status_counts(both)) == 4


async def test_staff_without_agency_see_nothing_and_auditor_sees_all(db):
    await two_agencies_with_dossiers()
    assert total(await dossiers.status_counts(await user_with(Role.HANDLER))) == 0
    assert total(await dossiers.status_counts(await user_with(Role.AUDITOR))) == 4


async def test_citizen_sees_only_own_dossiers(db):
    x = await factories.agency()
    p = await factories.procedure(x)
    citizen = await user_with(Role.CITIZEN, username="an")
    other = await user_with(Role.CITIZEN, username="binh")
    await factories.dossier(p, applicant_id=citizen.id)
    await factories.dossier(p, applicant_id=other.id)
    mine = await dossiers.recent_dossiers(citizen)
    assert len(mine) == 1


def test_lookup_with_code_and_last_four_digits(client):
    async def make():
        x = await factories.agency()
        return await factories.dossier(await factories.procedure(x), phone="0905123456",
                                       id_number="052090009876")

    d = run(make())
    by_phone = client.get("/tra-cuu", params={"ma": d.code, "so": "3456"})
    assert by_phone.status_code == 200
    assert "Đang xử lý" in by_phone.text and "Cấp Phiếu lý lịch tư pháp" in by_phone.text
    assert "Nguyễn Văn An" not in by_phone.text  # no personal data to anonymous visitors
    assert client.get("/tra-cuu", params={"ma": d.code, "so": "9876"}).status_code == 200
    wrong = client.get("/tra-cuu", params={"ma": d.code, "so": "0000"})
    other = d.code[:-1] + ("8" if d.code.endswith("9") else "9")  # never the same code
    unknown = client.get("/tra-cuu", params={"ma": other, "so": "3456"})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.text.count("Không tìm thấy hồ sơ") == unknown.text.count("Không tìm thấy hồ sơ")
