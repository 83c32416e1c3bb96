"""The public lookup places a typed code with a kept copy of the agencies' codes (issue
#21), and must answer exactly as with the table's codes: a new or renamed agency's dossiers
are found at once, never "not found" until the copy is re-read."""

from __future__ import annotations

import pytest

from app.directory.tables import Agency
from app.dossiers import service
from app.dossiers.tables import Dossier
from tests import factories

pytestmark = pytest.mark.anyio


async def dossier_of(agency, code: str) -> Dossier:
    row = await factories.dossier(await factories.procedure(agency))
    await Dossier.update({Dossier.code: code}).where(Dossier.id == row.id)
    return row


TYPED = ("0000017h55 260312 0004", " 000.00.17.h55-260312-0004 ", "0000017H55-2603120004",
         "000.00.17.H55-260312-0004", "00000171H55 260312 0004", "khong phai ma", "",
         "0000017h55 2603", "x" * 81)


async def test_kept_codes_place_every_typed_form_as_the_table_does(db):
    await factories.agency(code="000.00.17.H55")
    await factories.agency(code="000.00.171.H55")
    for typed in TYPED:
        assert await service.resolve_code(typed, recent=True) \
            == await service.resolve_code(typed), typed


async def test_the_copy_is_kept_and_a_stale_copy_never_says_not_found(db):
    justice = await factories.agency(code="000.00.17.H55")
    await dossier_of(justice, "000.00.17.H55-260312-0004")
    assert (await service.public_lookup("0000017h55 260312 0004", "3456"))["code"] \
        == "000.00.17.H55-260312-0004"
    # A new agency and its dossier, written behind the kept copy's back.
    health = await factories.agency(code="000.00.25.H55")
    await dossier_of(health, "000.00.25.H55-260312-0009")
    # The copy is kept: a compact code of the new agency is not placed with it...
    assert await service.resolve_code("0000025h55 260312 0009", recent=True) is None
    assert await service.resolve_code("0000025h55 260312 0009") == "000.00.25.H55-260312-0009"
    # ...yet the lookup finds the dossier at once, as it does without the copy.
    found = await service.public_lookup("0000025h55 260312 0009", "3456")
    assert found is not None and found["code"] == "000.00.25.H55-260312-0009"
    # A renamed agency: its new compact code is found at once too.
    await Agency.update({Agency.code: "000.00.26.H55"}).where(Agency.id == health.id)
    await Dossier.update({Dossier.code: "000.00.26.H55-260312-0009"}).where(
        Dossier.code == "000.00.25.H55-260312-0009")
    found = await service.public_lookup("0000026h55 260312 0009", "3456")
    assert found is not None and found["code"] == "000.00.26.H55-260312-0009"
    # Wrong digits and unknown codes stay "not found", whichever copy placed them.
    assert await service.public_lookup("0000026h55 260312 0009", "0000") is None
    assert await service.public_lookup("0000099h55 260312 0009", "3456") is None


async def test_a_found_lookup_reads_the_agency_codes_once_per_copy(db):
    justice = await factories.agency(code="000.00.17.H55")
    await dossier_of(justice, "000.00.17.H55-260312-0004")
    await service.public_lookup("0000017h55 260312 0004", "3456")
    # With the table's codes changed underneath, a kept-copy lookup still places the old
    # code (proof it did not read them again) and finds the dossier under it.
    await Agency.update({Agency.code: "000.00.18.H55"}).where(Agency.id == justice.id)
    assert await service.resolve_code("0000017h55 260312 0004", recent=True) \
        == "000.00.17.H55-260312-0004"
    assert await service.resolve_code("0000017h55 260312 0004") is None
