"""The sandbox population registry: answers from its own table of people with the same
rules and the same failures as the real one.

Set MOTCUA_POPULATION_SANDBOX_DOWN=1 to make it unavailable (read at every check, so a
test or a demo can turn the outage on and off while the app runs).
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

from app.identity.logic import PersonRecord, Verification, compare
from app.identity.registry import RegistryUnavailable
from app.identity.tables import SandboxPerson

DEMO_PEOPLE = Path(__file__).resolve().parent.parent / "demo" / "data" / "population.json"


class SandboxRegistry:
    name = "sandbox"

    async def verify(self, id_number: str, full_name: str, birth_date: date) -> Verification:
        if os.environ.get("MOTCUA_POPULATION_SANDBOX_DOWN", "") in {"1", "true", "yes"}:
            raise RegistryUnavailable("Cơ sở dữ liệu dân cư không phản hồi (hộp thử nghiệm).")
        row = await SandboxPerson.select().where(SandboxPerson.id_number == id_number).first()
        record = row and PersonRecord(row["id_number"], row["full_name"], row["birth_date"])
        return compare(record, full_name, birth_date)


async def add_person(id_number: str, full_name: str, birth_date: date) -> None:
    """Add (or correct) a person in the sandbox registry."""
    await SandboxPerson.insert(SandboxPerson(
        id_number=id_number, full_name=full_name, birth_date=birth_date,
    )).on_conflict(target=SandboxPerson.id_number, action="DO UPDATE",
                   values=[SandboxPerson.full_name, SandboxPerson.birth_date])


def demo_people() -> list[PersonRecord]:
    """The demo province's residents (app/demo/data/population.json)."""
    return [PersonRecord(p["id_number"], p["full_name"], date.fromisoformat(p["birth_date"]))
            for p in json.loads(DEMO_PEOPLE.read_text(encoding="utf-8"))["people"]]


async def load_demo_people() -> int:
    people = demo_people()
    for person in people:
        await add_person(person.id_number, person.full_name, person.birth_date)
    return len(people)
