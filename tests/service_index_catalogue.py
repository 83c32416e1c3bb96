"""The catalogue side of the service-index world (tests/service_index_world.py): publishing
decisions of March 2026 through the real publishing path, and what the national portal
acknowledged. Expected, by hand (Sở Tư pháp / UBND xã Ba Tơ / province):

- 1.1 decisions on time: p2 (QĐ 101 signed Mon 2/3, basis in force Mon 16/3: the last
  day was Mon 9/3) on time; q late once (QĐ 102 on time, QĐ 106 signed 12/3 for a basis
  of 16/3); r abolished by QĐ 103 whose page names no dated basis → 1/1, 0/2, 1/3
  (with "undated_basis": "excluded": r not counted → 0/1, 1/2);
- 1.2 public within 5 working days: p2 (4/3 and 26/3) and r (11/3) on time; q's QĐ 106
  signed Thu 12/3 was public Fri 20/3, after Thu 19/3 → 1/1, 1/2, 2/3;
- 1.3 pages on 31/3: p (an old row without steps, components…) and q (QĐ 106 dropped its
  steps) incomplete, p2 complete, r abolished, internal left out → 1/2, 0/1, 1/3;
- result kind: q's result is not a document (QĐ 102): its online dossiers need no
  e-result (3.3) and its dossiers leave 4.1;
- 1.4 synced: good, late, ba_to_done (and internal and old, not counted) → 2/7, 1/2, 3/9,
  only with the portal connected (MOTCUA_DVCQG).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time

from app.catalog import publishing
from app.catalog.content import Component, LegalBasis
from app.catalog.reading import latest_content
from app.catalog.versions import Decision
from app.db import write_transaction
from app.formatting import LOCAL_TZ
from app.integrations.dvcqg.tables import NationalSync

COMPLETE = {
    "subjects": "Công dân Việt Nam", "steps_text": "Bước 1: Nộp hồ sơ. Bước 2: Nhận kết quả.",
    "methods": ("in_person", "online"), "result_text": "Văn bản trả lời",
    "components": (Component("Tờ khai"),),
}


def day(d: int, month: int = 3) -> date:
    return date(2026, month, d)


def at(d: int, month: int = 3, hour: int = 10) -> datetime:
    return datetime.combine(day(d, month), time(hour), LOCAL_TZ)


async def publish(procedure_id: int | None, number: str, signed: date, effective: date,
                  made_public: datetime, basis: date | None, *, abolish: bool = False,
                  content=None, **changes) -> int:
    """Publish a version as the back office does, made public at `made_public`."""
    content = content or await latest_content(procedure_id)
    content = replace(content, **{**COMPLETE, **changes},
                      legal_bases=(LegalBasis("Nghị định 63/2010/NĐ-CP", basis),))
    async with write_transaction():
        decision = await publishing.decision_id(
            publishing.DecisionInput(Decision(number, signed, effective)), None)
        found, _ = await publishing.publish_content(
            None, procedure_id, content, decision, made_public, abolish=abolish, strict=False)
    return found


async def publish_march(world, p2: int, q: int, r_content) -> None:
    await publish(p2, "101/QĐ-UBND", day(2), day(3), at(4), day(16))
    await publish(q, "102/QĐ-UBND", day(2), day(3), at(4), day(16), result_kind="none")
    await publish(q, "106/QĐ-UBND", day(12), day(13), at(20), day(16), result_kind="none",
                  steps_text="")
    r = await publish(None, "90/QĐ-UBND", day(10, 2), day(10, 2), at(11, 2), day(1, 1),
                      content=r_content)
    await publish(r, "103/QĐ-UBND", day(10), day(10), at(11), None, abolish=True)
    world.ids["r"] = r
    for name in ("good", "late", "ba_to_done", "internal", "old"):
        await NationalSync(dossier=world.ids[name], queued_version=1, delivered_version=1,
                           reception_synced_at=at(28), updated_at=at(28)).save()
