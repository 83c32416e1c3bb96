"""Queries built once (issue #21): `app.prepared` keeps a Piccolo query's compiled SQL, and
every hot query that uses it answers exactly what Piccolo builds and runs anew.

Each comparison is on `repr` of the whole answer, so a Decimal that became a float, a
datetime that lost its zone or a key in another order would fail, not only a wrong row.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from piccolo.columns.combination import WhereRaw

from app.catalog.tables import Procedure
from app.dossiers import service as dossiers
from app.dossiers.logic import Status
from app.dossiers.tables import Dossier, DossierResult
from app.formatting import now_utc
from app.legal_forms import conversion
from app.legal_forms.tables import ResultConversion
from app.portal import tracking
from app.prepared import padded_ids, prepared
from tests import factories
from tests.query_world import UNKNOWN_CODES, build_world

pytestmark = pytest.mark.anyio


async def same(query: prepared, **values):
    """The kept SQL's answer, checked against Piccolo's own build-compile-run."""
    fast = await query(**values)
    assert repr(fast) == repr(await query.uncached(**values)), (query.__name__, values)
    return fast


@prepared
def _procedures_of(agency_ids, active):
    return Procedure.select(Procedure.id, Procedure.name).where(
        Procedure.agency.is_in(agency_ids) & (Procedure.active == active)).order_by(Procedure.id)


async def test_each_shape_of_list_keeps_its_own_sql(db):
    first = await factories.agency("Sở Tư pháp")
    second = await factories.agency("UBND xã Tịnh Ấn Tây")
    for agency in (first, second):
        await factories.procedure(agency, name=f"Đăng ký khai sinh — {agency.name}", steps=())
    one = await same(_procedures_of, agency_ids=[first.id], active=True)
    both = await same(_procedures_of, agency_ids=[first.id, second.id], active=True)
    assert [len(one), len(both)] == [1, 2]
    assert len(_procedures_of._compiled) == 2
    assert await same(_procedures_of, agency_ids=[second.id], active=True) == both[1:]
    assert await same(_procedures_of, agency_ids=[-1], active=True) == []
    assert len(_procedures_of._compiled) == 2  # same shape, same SQL, other values


@prepared
def _procedures_maybe_of(agency_ids):
    where = Procedure.active == True  # noqa: E712 (a Piccolo condition)
    if agency_ids is not None:
        where &= Procedure.agency.is_in(agency_ids)
    return Procedure.select(Procedure.id).where(where).order_by(Procedure.id)


async def test_a_value_left_none_and_a_list_of_one_are_different_shapes(db):
    agency = await factories.agency("UBND phường Nghĩa Lộ")
    await factories.procedure(agency, steps=())
    assert len(await same(_procedures_maybe_of, agency_ids=None)) == 1
    assert await same(_procedures_maybe_of, agency_ids=[agency.id + 1]) == []
    assert len(await same(_procedures_maybe_of, agency_ids=None)) == 1
    assert len(_procedures_maybe_of._compiled) == 2


@prepared
def _dossiers_in(status):
    return Dossier.count().where(Dossier.status == status)


async def test_enums_count_and_values_are_passed_as_piccolo_passes_them(db):
    procedure = await factories.procedure(await factories.agency(), steps=())
    await factories.dossier(procedure, status=Status.PROCESSING)
    assert await same(_dossiers_in, status=Status.PROCESSING) == 1
    assert await same(_dossiers_in, status=Status.PROCESSING.value) == 1
    assert await same(_dossiers_in, status=Status.RETURNED) == 0


async def test_a_value_piccolo_would_not_pass_as_a_parameter_is_refused(db):
    @prepared
    def inlined(code):
        return Dossier.select(Dossier.id).where(WhereRaw(f"code = '{code}'"))

    with pytest.raises(TypeError, match="code"):
        await inlined(code="x")


async def test_the_sql_keeps_placeholders_not_values(db):
    compiled = dossiers.lookup_row.compiled(code="000.00.17.H55-260213-0001")
    # One placeholder, as the engine writes it: "?" on SQLite, "$1" on PostgreSQL.
    placeholders = compiled.sql.count("?") + len(re.findall(r"\$\d+", compiled.sql))
    assert "260213" not in compiled.sql and placeholders == 1
    assert compiled.constants == (None,) and compiled.slots == ((0, "code", None),)


async def test_the_public_lookup_queries_answer_as_piccolo_does(db):
    world = await build_world()
    codes = [*world.codes[:25], *UNKNOWN_CODES]
    assert {r["code"] for r in await same(dossiers.agency_codes)} >= {"000.00.17.H55"}
    found = [await same(dossiers.lookup_row, code=code) for code in codes]
    assert all(found[:25]) and not any(found[25:])
    events = [await same(tracking.public_events, dossier_id=dossier_id)
              for dossier_id in [*world.dossier_ids[:25], 0, -1, 10**9]]
    assert all(events[:25]) and not any(events[25:])
    for dossier_id in [*world.dossier_ids[:5], 0]:
        await same(conversion._result_of, dossier_id=dossier_id)
        await same(conversion._conversions, dossier_id=dossier_id)


async def test_result_facts_read_through_the_kept_sql(db):
    """A result with two paper conversions: the rows the lookup shows, in order."""
    world = await build_world(dossiers=5)
    dossier_id = world.dossier_ids[0]
    signer = await factories.staff(factories.Role.LEADER)
    await DossierResult(dossier=dossier_id, sha256="a" * 64, issued_at=now_utc(),
                        signed_sha256="b" * 64, signed_by=signer.id,
                        signed_at=now_utc()).save()
    for minutes in (0, 5):
        await ResultConversion(dossier=dossier_id, result_sha256="b" * 64,
                               converted_by=signer.id, converter_name="Trần Thị Bích",
                               converted_at=now_utc() + timedelta(minutes=minutes)).save()
    assert (await same(conversion._result_of, dossier_id=dossier_id))["signer_name"] \
        == signer.full_name
    assert len(await same(conversion._conversions, dossier_id=dossier_id)) == 2
    facts = await conversion.public_result_facts(dossier_id,
                                                 await conversion.result_of(dossier_id))
    assert facts["sha256"] == "b" * 64
    assert [c["converter_name"] for c in facts["conversions"]] == ["Trần Thị Bích"] * 2


async def test_catalogue_and_process_queries_answer_as_piccolo_does(db):
    from app.catalog import search, service
    from app.prepared import padded_ids
    from app.processes import service as processes
    from app.processes.tables import ProcessVersion

    await build_world(dossiers=5)
    rows = await Procedure.select(Procedure.id, Procedure.field, Procedure.agency).order_by(
        Procedure.id)
    ids = [r["id"] for r in rows]
    assert await same(service._active_count, active=True) == len(ids)
    filters = [dict(field=None, agency=None, level=None, online_level=None),
               dict(field=rows[0]["field"], agency=None, level="tinh", online_level=None),
               dict(field=None, agency=rows[-1]["agency"], level=None, online_level="full"),
               dict(field=10**6, agency=None, level=None, online_level=None)]
    for chosen in filters:
        await same(search._browse, **chosen, limit=search.MAX_RESULTS)
        for wanted in (ids[:3], ids[::-7], [10**6], ids):
            assert len(padded_ids(wanted)) in {1, 2, 4, 8, 16, 32, 64, 128}
            await same(search._ranked, **chosen, ids=padded_ids(wanted))
    assert await same(search._ranked, **filters[0], ids=padded_ids(ids[:3])) != []
    await same(search._public_fields, active=True, internal=False)
    await same(search._fields_named, ids=padded_ids([r["field"] for r in rows][:5]))
    await same(search._agencies_named, ids=padded_ids([]))
    for procedure_id in [*ids[:5], 0, 10**6]:
        await same(service._procedure_page, procedure_id=procedure_id)
        await same(service.active_components, procedure_id=procedure_id, active=True)
        await same(service._current_versions, procedure_id=procedure_id,
                   statuses=["in_force", "scheduled"])
        for at in (now_utc(), now_utc() - timedelta(days=3650)):
            await same(processes._version_in_force, procedure_id=procedure_id, at=at)
    versions = [r["id"] for r in await ProcessVersion.select(ProcessVersion.id)]
    assert versions
    for version_id in [*versions[:5], 0]:
        await same(processes._version_steps, version_id=version_id)
        await same(processes._version_agency, version_id=version_id)


async def test_the_applicants_draft_reads_answer_as_piccolo_does(db):
    from app.portal import service as portal

    world = await build_world(dossiers=5)
    citizen = await factories.staff(factories.Role.CITIZEN)
    procedure = await Procedure.select(Procedure.id).first()
    own = await factories.dossier(await Procedure.objects().get(Procedure.id == procedure["id"]),
                                  applicant_id=citizen.id, status=Status.DRAFT)
    assert (await same(portal.own_dossier, dossier_id=own.id, applicant_id=citizen.id))["id"] \
        == own.id
    for dossier_id, applicant_id in [(own.id, citizen.id + 1), (world.dossier_ids[0], citizen.id),
                                     (0, citizen.id), (own.id, -1)]:
        assert await same(portal.own_dossier, dossier_id=dossier_id,
                          applicant_id=applicant_id) is None
    for dossier_id in [own.id, *world.dossier_ids[:3], 0]:
        await same(portal._supplied, dossier_id=dossier_id)
    draft = await portal.draft_of(citizen, own.id)
    assert draft["components"] and draft["supplied"] == {}


async def test_session_snapshot_and_submission_reads_answer_as_piccolo_does(db):
    from app.accounts import service as accounts
    from app.accounts.tables import User, UserSession
    from app.dossiers.tables import DossierApology
    from app.portal import service as portal
    from app.workflow import service as workflow

    world = await build_world(dossiers=5)
    handler = await factories.staff(factories.Role.HANDLER, agency_ids=(1, 2))
    citizen = await factories.staff(factories.Role.CITIZEN)
    live = await accounts.start_session(await User.objects().get(User.id == handler.id), "::1",
                                        "Chromium")
    ended = await accounts.start_session(await User.objects().get(User.id == citizen.id),
                                         "203.113.1.9", "Cốc Cốc")
    await UserSession.update({UserSession.revoked_at: now_utc()}).where(
        UserSession.token == ended)
    for token in (live, ended, "", "không-có-phiên"):
        for now in (now_utc(), now_utc() + timedelta(days=400)):
            await same(accounts._live_session, token=token, now=now)
    assert await accounts._live_session(token=live, now=now_utc())
    assert (await accounts.load_session(live)).agency_ids == (1, 2)
    for user_id in (handler.id, citizen.id, 0):
        await same(accounts._agencies_of, user_id=user_id)

    dossier_id = world.dossier_ids[0]
    row = await workflow._dossier_row(dossier_id=dossier_id)
    await DossierApology(dossier=dossier_id, previous_due_at=row["due_at"] or now_utc(),
                         new_due_at=now_utc(), reason="Chậm do xác minh").save()
    for dossier_id in [*world.dossier_ids[:3], 0]:
        found = await same(workflow._dossier_row, dossier_id=dossier_id)
        await same(workflow._has_result, dossier_id=dossier_id)
        for due_at in ((found or {}).get("due_at") or now_utc(), now_utc()):
            await same(workflow._apologised, dossier_id=dossier_id, due_at=due_at)
        await same(portal._status_and_code, dossier_id=dossier_id)
    for procedure_id in (1, 2, 10**6):
        for active, internal in ((True, False), (False, False), (True, True)):
            await same(portal._offered, procedure_id=procedure_id, active=active,
                       internal=internal)
        await same(portal._current_version, procedure_id=procedure_id)
    for user_id in (handler.id, citizen.id, -5):
        await same(portal._account, user_id=user_id)


async def test_the_staff_and_owner_dossier_reads_answer_as_piccolo_does(db):
    from app.dossiers import queries
    from app.dossiers.service import scope_of
    from app.portal import tracking

    world = await build_world(dossiers=12)
    users = [await factories.staff(factories.Role.HANDLER, agency_ids=(1,)),
             await factories.staff(factories.Role.HANDLER, agency_ids=(2, 3)),
             await factories.staff(factories.Role.HANDLER),  # no agency: sees nothing
             await factories.staff(factories.Role.AUDITOR),  # the whole province
             await factories.staff(factories.Role.CITIZEN)]
    seen = []
    for user in users:
        for dossier_id in [*world.dossier_ids, 0]:
            row = await same(queries._scoped_dossier, dossier_id=dossier_id, **scope_of(user))
            seen.append(row is not None)
            await same(tracking.own_dossier, dossier_id=dossier_id, applicant_id=user.id)
    assert any(seen) and not all(seen)
    for dossier_id in [*world.dossier_ids[:4], 0]:
        for query in (queries._components, queries._handover, queries._history,
                      tracking._owner_events, tracking._owner_components):
            await same(query, dossier_id=dossier_id)


async def test_the_staff_dossier_page_side_reads_answer_as_piccolo_does(db):
    """Who may be given a step, other agencies, components asked, the result's draft and
    signature, and whether the server holds the user's or the agency's key."""
    from app.dossiers import queries
    from app.dossiers.tables import StoredFile
    from app.signatures import results, view
    from app.signatures import service as signatures
    from app.signatures.tables import DocumentSignature, ResultDraft, SigningCertificate

    world = await build_world(dossiers=4)
    dossier_id = world.dossier_ids[0]
    people = [await factories.staff(role, agency_ids=(1,)) for role in (
        factories.Role.HANDLER, factories.Role.LEADER, factories.Role.COUNTER_OFFICER)]
    now = now_utc()
    for n, (user, agency) in enumerate([(people[0].id, None), (None, 1), (people[1].id, None)]):
        await SigningCertificate(user=user, agency=agency, certificate_pem="-", subject="CN=x",
                                 fingerprint=f"{n}" * 64, common_name="x", not_before=now,
                                 not_after=now, created_at=now,
                                 pkcs12_path="" if n == 2 else f"/k/{n}.p12").save()
    stored = StoredFile(sha256="c" * 64, size=1, content_type="application/pdf",
                        created_at=now)
    await stored.save()
    for minutes in (0, 1):
        await ResultDraft(dossier=dossier_id, file=stored.id, sha256="c" * 64,
                          attached_at=now + timedelta(minutes=minutes),
                          attached_by=people[0].id).save()
    await DocumentSignature(dossier=dossier_id, file=stored.id, purpose="result",
                            sha256="c" * 64, method="server", certificate=1,
                            certificate_fingerprint="0" * 64, signer_name="x", signed_at=now,
                            recorded_at=now).save()
    keys = [await same(signatures._server_key, user_id=person.id, agency_id=None)
            for person in people]
    assert [key is not None for key in keys] == [True, False, False]
    assert await same(signatures._server_key, user_id=None, agency_id=1) is not None
    assert await same(signatures._server_key, user_id=None, agency_id=2) is None
    for some_dossier in (dossier_id, world.dossier_ids[1], 0):
        await same(results._latest_draft, dossier_id=some_dossier)
        await same(results._latest_signature, dossier_id=some_dossier)
        await same(view._signed, dossier_id=some_dossier)
    assert (await results.latest_draft(dossier_id))["attached_at"] > now
    assert (await same(view._full_name, user_id=people[0].id))["full_name"] \
        == people[0].full_name
    for agency_id in (1, 2, 0):
        links = await same(queries._agency_staff, agency_id=agency_id)
        await same(queries._other_agencies, agency_id=agency_id)
        for roles in (["handler"], ["handler", "leader"]):
            ids = padded_ids([link["user"] for link in links] or [-1])
            await same(queries._active_people, ids=ids, roles=roles)
    assert len(await queries.holders(1, None)) == 2
    for procedure_id in (1, 2, 0):
        await same(queries.procedure_components, procedure_id=procedure_id)


async def test_the_shapes_kept_are_bounded_and_the_oldest_goes_first(db, monkeypatch):
    """Shapes follow what users choose (list lengths, filters left empty): however many
    come, at most MAX_SHAPES compiled SQL strings are kept, and answers stay right."""
    import app.prepared as kept

    monkeypatch.setattr(kept, "MAX_SHAPES", 3)
    agency = await factories.agency("Sở Tư pháp")
    await factories.procedure(agency, name="Đăng ký khai sinh", steps=())
    _procedures_of._compiled.clear()
    for length in range(1, 7):
        rows = await same(_procedures_of, agency_ids=[agency.id] * length, active=True)
        assert len(rows) == 1
    kept_lengths = [dict(key)["agency_ids"] for key in _procedures_of._compiled]
    assert kept_lengths == [("list", 4), ("list", 5), ("list", 6)]


def _every_kept_query() -> list[prepared]:
    """Every `@prepared` query of the app's modules (imported by the app itself)."""
    import sys

    from app.main import create_app

    create_app()
    return [value for name, module in list(sys.modules.items())
            if name.startswith("app.") for value in vars(module).values()
            if isinstance(value, prepared)]


async def test_rows_skip_piccolos_processing_only_where_it_would_hand_them_back(db):
    """A kept plain select hands the engine's rows back without Piccolo's `_process_results`
    (`passthrough`): for every query of the app, built once with its values held in, the
    flag is set only where Piccolo's processing returns rows equal to the ones it was given
    (same keys, same values, nothing loaded, nested or made into objects)."""
    from app.prepared import Param, _rows_pass_through

    queries = _every_kept_query()
    assert len(queries) > 20
    passing = 0
    for kept in queries:
        names = kept.build.__code__.co_varnames[:kept.build.__code__.co_argcount]
        try:
            built = kept.build(**{name: Param(name) for name in names})
        except Exception:  # noqa: BLE001 (a build that needs a list or a real value)
            continue
        query = getattr(built, "query", built)
        if not _rows_pass_through(query):
            continue
        passing += 1
        columns = query.columns_delegate.selected_columns
        row = {f"c{n}": f'{{"v": {n}}}' for n in range(max(1, len(columns)))}
        assert await query._process_results([dict(row)]) == [row], kept.__name__
    assert passing >= 10
    assert _rows_pass_through(Dossier.select(Dossier.id).output(nested=True)) is False
    assert _rows_pass_through(Dossier.select(Dossier.id).output(load_json=True)) is False
    assert _rows_pass_through(Dossier.count()) is False
    assert _rows_pass_through(Dossier.objects()) is False


def test_the_shape_of_one_value_is_the_general_shape():
    from app.prepared import _shape

    for value in ("000.00.17.H55", 7, None, [1, 2], (3,), [], Status.RECEIVED):
        assert _shape({"x": value}, frozenset()) == _shape({"x": value}, frozenset({"other"}))
