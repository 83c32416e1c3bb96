"""The lookup page as served (kept SQL; the found dossier and the form drawn by
app.portal.lookup_view, issue #21) is, byte for byte, the page the straightforward path
draws: every query built by Piccolo (`bypassed_everywhere`) and the lookup's templates as
first written, kept in tests/reference_templates/ (Jinja loops, includes and filters,
`result.code` read as an attribute). Dossiers with and without events, returned, overdue
and owing fees, with an electronic result and its paper conversions; wrong digits (404),
digits mistyped (400), a code from a QR code, hostile typed codes, a code limited after
too many failures (429), a signed-in applicant and staff member; and the owner's own
dossier page, which shares the timeline and next steps, with a comment to escape."""

from __future__ import annotations

import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from jinja2 import ChoiceLoader, FileSystemLoader

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.dossiers.logic import Status
from app.dossiers.tables import Dossier, DossierEvent, DossierResult
from app.formatting import now_utc
from app.legal_forms import conversion
from app.legal_forms.tables import ResultConversion
from app.portal import tracking
from app.portal.lookup_view import LookupView
from app.prepared import bypassed_everywhere
from app.web.kept_forms import KEPT_COOKIE, STORE, KeptForm
from tests import factories
from tests.conftest import login, run, shared_app
from tests.query_world import UNKNOWN_CODES, build_world

REFERENCE = Path(__file__).parent / "reference_templates"


@contextmanager
def straightforward_path():
    """Piccolo's own queries and the plain templates, rendered by Jinja in full, in place
    of the tuned ones."""
    env = shared_app().template_engine.engine
    loader = env.loader
    env.loader = ChoiceLoader([FileSystemLoader(REFERENCE), loader])
    LookupView.bypassed = True
    try:
        with bypassed_everywhere():
            yield
    finally:
        LookupView.bypassed = False
        env.loader = loader
        env.cache.clear()


def same_page(client, params: dict, status: int) -> str:
    served = client.get("/tra-cuu", params=params)
    with straightforward_path():
        drawn = client.get("/tra-cuu", params=params)
    assert (served.status_code, served.text) == (drawn.status_code, drawn.text), params
    assert served.headers["content-type"] == "text/html; charset=utf-8"
    assert {k: v for k, v in served.headers.items() if k != "set-cookie"} \
        == {k: v for k, v in drawn.headers.items() if k != "set-cookie"}, params
    assert served.status_code == status, params
    return served.text


def kept_form_cookie(reason: str) -> dict:
    """The cookie of a form refused on the lookup page and sent back to it."""
    entry = KeptForm(page="/tra-cuu", values={}, reason=reason, had_files=False, user_id=None,
                     expires=time.time() + 600)
    return {KEPT_COOKIE: STORE.put(entry, time.time())}


def digits_of(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit())[-4:]


@pytest.fixture
def dossiers(db):
    """{kind: (code, digits)} over a seeded province and a few dossiers made for a case."""
    world = run(build_world(dossiers=40))
    return world, run(_cases(world))


async def _cases(world) -> dict[str, tuple[str, str]]:
    rows = await Dossier.select(Dossier.id, Dossier.code, Dossier.status,
                                Dossier.applicant_phone).order_by(Dossier.id)
    cases = {f"bulk {r['status']} {r['id']}": (r["code"], digits_of(r["applicant_phone"]))
             for r in rows[:10]}
    returned = next(r for r in rows if r["status"] == Status.RETURNED.value)
    cases["returned"] = (returned["code"], digits_of(returned["applicant_phone"]))

    agency = await factories.agency("Sở Xây dựng", code="000.00.44.H55")
    procedure = await factories.procedure(agency, name='Cấp giấy phép <xây dựng> & "sửa"')
    citizen = await accounts.create_user(username="052090003333", password="Hoa2026xyzz",
                                         full_name="Phạm Thị Hoa", role=Role.CITIZEN)
    bare = await factories.dossier(procedure, phone="0911000111")  # no events at all
    cases["no events"] = (bare.code, "0111")
    late = await factories.dossier(procedure, applicant_id=citizen.id, phone="0911000222",
                                   id_number="052090004321")
    earlier = now_utc() - timedelta(days=40)
    await Dossier.update({Dossier.received_at: earlier, Dossier.due_at: earlier
                          + timedelta(days=10), Dossier.fees_due: 1_250_000}).where(
        Dossier.id == late.id)
    for days, action in ((40, "accepted"), (39, "processing_started"), (3, "unknown_kind")):
        await DossierEvent(dossier=late.id, at=now_utc() - timedelta(days=days),
                           action=action).save()
    # A comment the owner sees in the timeline (the public never does), written to escape.
    await DossierEvent(dossier=late.id, at=now_utc() - timedelta(days=2),
                       action="supplement_requested",
                       comment='Bổ sung <bản sao> & "giấy xác nhận"\nhai dòng').save()
    cases["overdue, by the id number"] = (late.code, "4321")
    done = await factories.dossier(procedure, phone="0911000333", status=Status.RETURNED)
    officer = await factories.staff(Role.HANDLER, agency_ids=(agency.id,))
    # Local midnight: written "24:00" of the day before.
    midnight = now_utc().replace(hour=17, minute=0, second=0, microsecond=0)
    await DossierResult(dossier=done.id, sha256="ab" * 32, issued_at=midnight,
                        signed_sha256="cd" * 32, signed_at=midnight).save()
    for name in ("Trần Thị <Motcua>", "Lê Văn Bình"):
        await ResultConversion(dossier=done.id, result_sha256="cd" * 32,
                               converted_by=officer.id, converter_name=name,
                               converted_at=midnight).save()
    await DossierEvent(dossier=done.id, at=midnight, action="result_returned").save()
    await Dossier.update({Dossier.returned_at: midnight, Dossier.fees_due: 150000}).where(
        Dossier.id == done.id)
    cases["with a result and conversions"] = (done.code, "0333")
    return cases


def test_found_dossiers_draw_the_same_page(client, dossiers):
    _, cases = dossiers
    pages = {kind: same_page(client, {"ma": code, "so": digits}, 200)
             for kind, (code, digits) in cases.items()}
    # The cases are the ones meant: a timeline, none, a result with its conversions.
    assert "Chưa có bước xử lý nào." in pages["no events"]
    assert "Cập nhật hồ sơ" in pages["overdue, by the id number"]
    assert "cd" * 32 in pages["with a result and conversions"]
    assert "Trần Thị &lt;Motcua&gt;" in pages["with a result and conversions"]
    assert "24:00" in pages["with a result and conversions"]
    code, digits = cases["overdue, by the id number"]
    # Typed without its punctuation, in lower case: the same dossier (the form keeps what
    # was typed).
    typed = same_page(client, {"ma": code.replace(".", "").replace("-", " ").lower(),
                               "so": digits}, 200)
    assert section(typed) == section(pages["overdue, by the id number"])


def section(page: str) -> str:
    return page[page.index("<section"):page.index("<form")]


def test_refusals_draw_the_same_page(client, dossiers):
    world, cases = dossiers
    code, digits = cases["no events"]
    wrong = "0000" if digits != "0000" else "1111"
    same_page(client, {"ma": code, "so": wrong}, 404)
    for unknown in UNKNOWN_CODES[1:4]:
        same_page(client, {"ma": unknown, "so": "1234"}, 404)
    same_page(client, {"ma": code, "so": "12a4"}, 400)
    same_page(client, {"ma": code}, 200)  # from a QR code: the digits are asked for
    # What was typed comes back escaped in the form (kept once with markers in its place).
    hostile = '"><script>alert(1)</script>\0&'
    assert "&lt;script&gt;" in same_page(client, {"ma": hostile, "so": "1234"}, 404)
    assert "&lt;script&gt;" in same_page(client, {"ma": hostile}, 200)
    same_page(client, {}, 200)
    limited, right = cases["returned"]
    for _ in range(3):  # each same_page counts two failures against the code: 6 > 5
        client.get("/tra-cuu", params={"ma": limited, "so": "0000"})
        client.get("/tra-cuu", params={"ma": limited, "so": "0001"})
    assert "thử lại sau" in same_page(client, {"ma": limited, "so": right}, 429)


def test_a_kept_forms_notice_is_drawn_by_the_template(client, dossiers):
    """A form refused on the lookup page (the header's sign-out, say, with an expired
    form cookie) comes back to it with base.html's notice: that page is the template's."""
    code, digits = dossiers[1]["overdue, by the id number"]
    params = {"ma": code, "so": digits}
    client.get("/tra-cuu")  # the form cookie, so both pages carry the same token
    client.cookies.update(kept_form_cookie("Trang đã mở quá lâu <1 giờ>."))
    served = client.get("/tra-cuu", params=params)
    client.cookies.update(kept_form_cookie("Trang đã mở quá lâu <1 giờ>."))
    with straightforward_path():
        drawn = client.get("/tra-cuu", params=params)
    assert (served.status_code, served.text) == (drawn.status_code, drawn.text) \
        == (200, served.text)
    assert "Chưa gửi được" in served.text and "quá lâu &lt;1 giờ&gt;." in served.text
    # Shown once: the next lookup is drawn from the kept pieces, without it.
    assert "Chưa gửi được" not in same_page(client, params, 200)


def test_a_signed_in_applicant_draws_the_same_page(client, dossiers):
    _, cases = dossiers
    login(client, "052090003333", "Hoa2026xyzz")
    code, digits = cases["overdue, by the id number"]
    page = same_page(client, {"ma": code, "so": digits}, 200)
    assert "Xem đầy đủ hồ sơ của bạn" in page and "giấy xác nhận" not in page


def test_staff_see_no_link_to_the_owners_page(client, dossiers):
    run(accounts.create_user(username="canbo.tracuu", password="Canbo2026xyzz",
                             full_name="Cán bộ Tra cứu", role=Role.HANDLER))
    login(client, "canbo.tracuu", "Canbo2026xyzz")
    code, digits = dossiers[1]["overdue, by the id number"]
    assert "Xem đầy đủ hồ sơ của bạn" not in same_page(client, {"ma": code, "so": digits}, 200)


def test_the_owners_page_draws_the_same_timeline_and_next_steps(client, dossiers):
    """portal/_timeline.html and _next_steps.html, drawn by app.portal.lookup_view, are
    shared with the owner's own dossier page: that page is the reference's too, with the
    comments the owner sees."""
    login(client, "052090003333", "Hoa2026xyzz")
    code, digits = dossiers[1]["overdue, by the id number"]
    page = same_page(client, {"ma": code, "so": digits}, 200)
    own = page[page.index('<p><a href="') + len('<p><a href="'):]
    own = own[:own.index('"')]
    served = client.get(own)
    with straightforward_path():
        drawn = client.get(own)
    assert served.status_code == drawn.status_code == 200
    assert served.text == drawn.text
    assert "Bổ sung &lt;bản sao&gt; &amp; &#34;giấy xác nhận&#34;" in served.text
    assert "Tiến trình giải quyết" in served.text and "Bạn cần làm gì" in served.text
    assert "Nộp phí, lệ phí 1.250.000 đ" in served.text  # two next steps


def test_the_result_read_with_the_dossier_is_the_result_of_its_own_query(dossiers):
    """The lookup reads a dossier's result digests in its one query; they are what the
    result's own query (`conversion.result_of`) answers, and None without a result."""
    _, cases = dossiers
    seen = []
    for code, digits in cases.values():
        view = run(tracking.public_view(code, digits))
        own = run(conversion.result_of(view["dossier_id"]))
        assert view["issued_result"] == (None if own is None else {
            "sha256": own["sha256"], "signed_sha256": own["signed_sha256"]})
        seen.append(own is not None)
    assert any(seen) and not all(seen)
