"""Demo data: units, catalogue, rule versions and users, loaded into a real database file.

The demo is loaded once per module into a copy of the migrated template (argon2 makes user
creation the slow part); each test then works on its own copy of that file.
"""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import vietnam_provinces as vp

from app.accounts import service as accounts
from app.accounts.roles import PROVINCE_WIDE_ROLES, Role
from app.accounts.tables import User, UserAgency
from app.audit import service as audit
from app.catalog.logic import COMPONENT_KIND_LABELS, TimeUnit
from app.catalog.tables import Procedure, ProcedureComponent
from app.db import get_engine
from app.demo.loader import catalogue_problems, database_is_empty, load_demo, read_data
from app.directory.tables import AdminUnit, Agency
from app.dossiers.tables import RuleVersion
from app.formatting import now_utc
from app.identity.logic import Outcome
from app.identity.sandbox import SandboxRegistry, demo_people
from app.identity.tables import SandboxPerson
from app.processes.publishing import legal_office_hours
from app.processes.service import load_version, version_in_force
from app.processes.tables import ProcessStepRow, ProcessVersion
from app.settings import get_settings
from app.signatures.certificates import trust_roots
from app.signatures.tables import SigningCertificate
from tests.conftest import database_url_for, drop_database, run, use_var_dir

pytestmark = pytest.mark.anyio

NAMED_LIMITS = {
    "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam": None,
    "Đăng ký khai sinh": None,
    "Đăng ký kết hôn": None,
    "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ": None,
    "Xác nhận tiếp tục sử dụng đất nông nghiệp của hộ gia đình, cá nhân khi hết hạn sử dụng "
    "đất": (5, "working_days"),
    "Xóa đăng ký cho thuê, cho thuê lại quyền sử dụng đất": (3, "working_days"),
    "Cấp lại chứng chỉ hành nghề kiến trúc": (5, "working_days"),
}
INTERNAL = {
    "Cấp phát, thu hồi tài khoản sử dụng Hệ thống thông tin báo cáo tỉnh",
    "Cấp tài khoản truy cập vào Hệ thống Quản lý văn bản và điều hành của Ủy ban nhân dân tỉnh",
    "Thu hồi tài khoản truy cập vào Hệ thống Quản lý văn bản và điều hành của Ủy ban nhân dân "
    "tỉnh",
}


@pytest.fixture(scope="module")
def demo_template(migrated_template, tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("demo") / "var"
    var_dir.mkdir()
    url = database_url_for(var_dir)
    use_var_dir(var_dir, url)
    assert run(database_is_empty())
    passwords = run(load_demo())
    get_engine().reconnect()
    yield url, passwords
    drop_database(url)


@pytest.fixture
def demo(demo_template, tmp_path):
    """A database of this test's own with the demo loaded; yields the returned passwords."""
    template, passwords = demo_template
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    url = database_url_for(var_dir, template)
    use_var_dir(var_dir, url)
    yield passwords
    get_engine().reconnect()
    drop_database(url)


def test_catalogue_json_is_valid():
    catalogue = read_data("procedures.json")
    agency_codes = {a["code"] for a in read_data("agencies.json")["agencies"]}
    units = {unit.value for unit in TimeUnit}
    for procedure in catalogue["procedures"]:
        assert procedure["time_limit_unit"] in units, procedure["name"]
        assert procedure["time_limit_amount"] > 0, procedure["name"]
        for component in procedure["components"]:
            assert component["kind"] in COMPONENT_KIND_LABELS, component["name"]
    assert catalogue_problems(catalogue, agency_codes) == []


def test_internal_process_adds_up_to_the_time_limit():
    # The rule publishing enforces: the steps' office hours equal the legal limit converted.
    for procedure in read_data("procedures.json")["procedures"]:
        legal = legal_office_hours(procedure["time_limit_amount"],
                                   procedure["time_limit_unit"])
        allotted = sum(Decimal(str(step["allotted_hours"])) for step in procedure["process"])
        assert allotted == legal, procedure["name"]


async def test_catalogue_is_loaded_with_units_components_and_steps(demo):
    procedures = await Procedure.select()
    assert len(procedures) >= 30
    assert {p["time_limit_unit"] for p in procedures} == {unit.value for unit in TimeUnit}
    for p in procedures:
        assert await ProcedureComponent.count().where(ProcedureComponent.procedure == p["id"]) >= 1
        version = await version_in_force(p["id"], now_utc())
        assert version is not None, p["name"]  # an approved process, in force
        assert (await load_version(version)).process.work, p["name"]
        assert p["search_text"] and p["search_text"].isascii()
    by_name = {p["name"]: p for p in procedures}
    for name, limit in NAMED_LIMITS.items():
        assert name in by_name, name
        if limit:
            amount, unit = limit
            assert (by_name[name]["time_limit_amount"], by_name[name]["time_limit_unit"]) == (
                Decimal(amount), unit)
    office = await Agency.select(Agency.id).where(Agency.short_name == "VP UBND tỉnh").first()
    for name in INTERNAL:
        assert by_name[name]["internal"] and by_name[name]["agency"] == office["id"], name
    assert await RuleVersion.count() == 2


async def test_quang_ngai_is_one_province_with_its_communes(demo):
    province = await AdminUnit.objects().where(
        (AdminUnit.era == "2025") & (AdminUnit.depth == 0)).first()
    assert province.name == "Tỉnh Quảng Ngãi" and province.code == "51"
    children = await AdminUnit.select().where(AdminUnit.parent == province.id)
    assert len(children) == len(list(vp.Ward.iter_by_province(51))) >= 90
    assert {c["level_name"] for c in children} == {"Xã", "Phường", "Đặc khu"}
    assert all(c["depth"] == 1 and c["active"] for c in children)
    assert await AdminUnit.count().where((AdminUnit.era == "2025") & (AdminUnit.depth > 1)) == 0
    # 23293 is Phường Thắng Lợi in 2020 and Phường Kon Tum now: agencies must get the latter.
    ward = await Agency.select(Agency.admin_unit.name, Agency.admin_unit.era).where(
        Agency.code == "000.01.40.H55").first()
    assert ward == {"admin_unit.name": "Phường Kon Tum", "admin_unit.era": "2025"}


async def test_kon_tum_2020_is_a_three_level_inactive_tree(demo):
    units = await AdminUnit.select().where(AdminUnit.era == "2020")
    assert not any(u["active"] for u in units)
    assert max(u["depth"] for u in units) == 2
    (province,) = [u for u in units if u["depth"] == 0]
    assert (province["code"], province["name"]) == ("62", "Tỉnh Kon Tum")
    districts = {u["name"]: u for u in units if u["depth"] == 1}
    assert len(districts) == 10
    assert all(d["parent"] == province["id"] for d in districts.values())
    for name in ("Tu Mơ Rông", "Kon Rẫy", "Đắk Glei", "Kon Plông", "Đắk Tô"):
        district = districts[f"Huyện {name}"]
        communes = [u for u in units if u["parent"] == district["id"]]
        assert communes and all(c["depth"] == 2 and c["level"] == "xa" for c in communes)


async def test_every_role_has_a_user_and_staff_have_agencies(demo):
    users = await User.select()
    assert {u["role"] for u in users} == {role.value for role in Role}
    for user in users:
        role = Role(user["role"])
        if role.is_staff and role not in PROVINCE_WIDE_ROLES:
            assert await UserAgency.count().where(UserAgency.user == user["id"]) >= 1, user
    assert len({u["username"] for u in users}) == len(users) == len(demo)


async def test_demo_applicants_are_verified_and_known_to_the_sandbox_registry(demo):
    applicants = await User.select(User.username, User.birth_date, User.id_verified_at).where(
        User.id_number.is_not_null())
    assert {u["username"] for u in applicants} == {"congdan1", "congdan2", "doanhnghiep1"}
    assert all(u["id_verified_at"] is not None for u in applicants)
    born = {u["username"]: u["birth_date"] for u in applicants}
    assert born == {"congdan1": date(1990, 9, 5), "congdan2": date(1995, 3, 12),
                    "doanhnghiep1": None}  # an enterprise has no date of birth
    assert await SandboxPerson.count() == len(demo_people())
    answer = await SandboxRegistry().verify("062195006789", "Y Hoa", date(1995, 3, 12))
    assert answer.outcome == Outcome.MATCH


async def test_returned_passwords_authenticate(demo):
    for username, label, password in demo:
        user = await accounts.authenticate(username, password, "10.0.0.9")
        assert user.username == username and Role(user.role).label == label


async def test_loading_twice_adds_nothing_and_the_audit_chain_holds(demo):
    tables = (AdminUnit, Agency, Procedure, ProcedureComponent, ProcessVersion, ProcessStepRow,
              RuleVersion, User, SigningCertificate)
    before = [await table.count() for table in tables]
    assert not await database_is_empty()
    assert await load_demo() == []
    assert [await table.count() for table in tables] == before
    assert await audit.verify() == []


async def test_demo_signers_have_keys_trusted_by_the_demo_and_never_behind_https(
        demo, monkeypatch):
    leaders = {u["id"] for u in await User.select(User.id).where(User.role == Role.LEADER)}
    keys = await SigningCertificate.select()
    assert leaders and leaders <= {k["user"] for k in keys if k["pkcs12_path"]}
    counters = await UserAgency.select(UserAgency.agency).where(
        UserAgency.user.role == Role.COUNTER_OFFICER.value)
    assert {c["agency"] for c in counters} <= {k["agency"] for k in keys if k["user"] is None}
    assert all(Path(k["pkcs12_path"]).stat().st_mode & 0o077 == 0 for k in keys)  # 0600

    demo_ca = Path(keys[0]["pkcs12_path"]).parent / "ca.pem"
    monkeypatch.setenv("MOTCUA_SIGNING_TRUST_ROOTS", str(demo_ca))
    assert len(trust_roots()) == 1
    monkeypatch.setenv("MOTCUA_HTTPS", "1")
    get_settings.cache_clear()
    try:
        assert trust_roots() == []  # production must not trust the demo CA
    finally:
        monkeypatch.delenv("MOTCUA_HTTPS")
        get_settings.cache_clear()


def test_publishing_document_covers_every_field_once():
    from app.demo.publishing import DATA, decision_problems

    document = __import__("json").loads(DATA.read_text(encoding="utf-8"))
    fields = {f["code"] for f in read_data("procedures.json")["fields"]}
    assert decision_problems(document, fields) == []
    broken = {**document, "decisions": document["decisions"][1:]}
    assert decision_problems(broken, fields)  # a field nobody publishes is refused


async def test_every_demo_procedure_is_version_1_of_a_publishing_decision(demo):
    """Published through the catalogue's own code: a decision with its dates, version 1 in
    force whose content is on the procedure's row, public history and version pages."""
    from app.catalog import reading
    from app.catalog.tables import ProcedureVersion, PublishingDecision
    from app.directory.tables import AgencySigner

    procedures = await Procedure.select(Procedure.id, Procedure.current_version,
                                        Procedure.methods, Procedure.subjects)
    versions = await ProcedureVersion.select(
        ProcedureVersion.id, ProcedureVersion.procedure, ProcedureVersion.number,
        ProcedureVersion.status, ProcedureVersion.change,
        ProcedureVersion.decision.number.as_alias("decision"))
    assert len(versions) == len(procedures) >= 40
    assert {(v["number"], v["status"], v["change"]) for v in versions} == {
        (1, "in_force", "add")}
    assert {p["current_version"] for p in procedures} == {v["id"] for v in versions}
    assert all(p["methods"].startswith("in_person,post") and p["subjects"] for p in procedures)
    decision = await PublishingDecision.select().where(
        PublishingDecision.number == "1078/QĐ-UBND").first()
    assert (decision["signed_on"], decision["effective_from"]) == (date(2025, 6, 20),
                                                                   date(2025, 7, 1))
    assert decision["issuer"] == "Chủ tịch Ủy ban nhân dân tỉnh Quảng Ngãi"
    [history] = await reading.history(procedures[0]["id"])
    assert history["decision_number"] and history["status_label"] == "Đang có hiệu lực"
    page = await reading.published_version(procedures[0]["id"], 1)
    assert page["content"].legal_bases and page["content"].result_text
    # What indicators 1.1 and 1.2 read: decisions signed in June 2025, with the newest
    # legal basis (Nghị định 118/2025, 01/07/2025) and the day each was made public.
    facts = await reading.publication_facts(date(2025, 6, 1), date(2025, 6, 30))
    public = [p for p in procedures if p["id"] in {f["procedure"] for f in facts}]
    assert len(facts) == len(public) == len(procedures) - len(INTERNAL)
    assert {f["newest_basis_from"] for f in facts} == {date(2025, 7, 1)}
    assert {f["decision_number"] for f in facts} >= {"1102/QĐ-UBND", "1134/QĐ-UBND"}
    # Indicator 1.3: every public page is complete but the two without their result.
    incomplete = [p for p in await reading.completeness() if p["missing"]]
    assert [p["missing"] for p in incomplete] == [["Kết quả thực hiện"]] * 2
    assert await AgencySigner.count() >= 5


def test_demo_version_pages_show_the_decision(demo):
    from litestar.testing import TestClient

    from app.main import create_app

    procedure = Procedure.select(Procedure.id).where(
        Procedure.code == "1.001193").first().run_sync()["id"]
    with TestClient(app=create_app()) as client:
        history = client.get(f"/thu-tuc/{procedure}/lich-su")
        version = client.get(f"/thu-tuc/{procedure}/phien-ban/1")
    assert history.status_code == 200 and "1078/QĐ-UBND" in history.text
    assert version.status_code == 200
    for expected in ("Quyết định số 1078/QĐ-UBND ngày 20/06/2025", "Luật Hộ tịch số 60/2014/QH13",
                     "Giấy khai sinh (bản chính)", "Qua dịch vụ bưu chính công ích"):
        assert expected in version.text, expected
