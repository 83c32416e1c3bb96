"""One applicant's whole online submission over real HTTP (httpx against uvicorn), and
the world it needs: used by the crash and replication drills."""

from __future__ import annotations

import re

import httpx

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.catalog.tables import ProcedureComponent
from tests import factories, pdfs
from tests.conftest import run

CSRF = "_csrf_token"


def setup_world() -> dict:
    """A procedure with two required components and a few citizens with sessions."""

    async def make():
        agency = await factories.agency("Sở Tư pháp", code="000.00.17.H55")
        procedure = await factories.procedure(agency)
        for position, name in enumerate(["Tờ khai", "Bản chụp CCCD"], 1):
            await ProcedureComponent(procedure=procedure.id, position=position, name=name,
                                     kind="copy", required=True).save()
        cookies = []
        for n in range(3):
            user = await accounts.create_user(
                username=f"05209000100{n}", password="abc12345", full_name=f"Công dân {n}",
                role=Role.CITIZEN, id_number=f"05209000100{n}", phone="0905123456")
            for _ in range(4):
                token = await accounts.start_session(user, "127.0.0.1", "drill")
                cookies.append(accounts.cookie_value(token))
        components = [row["id"] for row in await ProcedureComponent.select(
            ProcedureComponent.id).where(ProcedureComponent.procedure == procedure.id)
            .order_by(ProcedureComponent.position)]
        return {"procedure_id": procedure.id, "components": components, "cookies": cookies}

    return run(make())


def token_of(html: str) -> str:
    return re.search(r'name="_csrf_token" value="([^"]+)"', html).group(1)


def submit_one(base: str, world: dict, n: int, outcome: dict) -> None:
    """One applicant's whole online submission; records how far it got."""
    with httpx.Client(base_url=base, timeout=30,
                      cookies={"motcua_session": world["cookies"][n % len(world["cookies"])]}
                      ) as http:
        token = token_of(http.get(f"/thu-tuc/{world['procedure_id']}").text)
        started = http.post(f"/nop-truc-tuyen/bat-dau/{world['procedure_id']}",
                            data={CSRF: token})
        draft = started.headers["location"].split("/")[2]
        outcome["draft"] = int(draft)
        path = f"/nop-truc-tuyen/{draft}"
        http.post(f"{path}/nguoi-nop", data={
            CSRF: token, "applicant_name": f"Nguyễn Văn {n}", "applicant_phone": "0905123456",
            "applicant_id_number": "062190001234",
            "applicant_address": "Thôn 1, xã Ia Chim"})
        first, second = world["components"]
        if n % 4 == 0:  # a refused upload half-way: nothing of it may be kept
            refused = http.post(f"{path}/thanh-phan", data={CSRF: token, "next": "1"}, files={
                f"file-{first}": ("to-khai.pdf", f"khong phai pdf {n}".encode(),
                                  "application/pdf")})
            outcome["refused_status"] = refused.status_code
        saved = http.post(f"{path}/thanh-phan", data={CSRF: token, "next": "1"}, files={
            f"file-{first}": ("to-khai.pdf", pdfs.simple(f"to khai {n}"),
                              "application/pdf"),
            f"file-{second}": ("cccd.pdf", pdfs.simple(f"cccd {n}"),
                               "application/pdf")})
        assert saved.status_code == 303, saved.status_code
        done = http.post(f"{path}/nop", data={CSRF: token})
        if done.status_code == 303 and done.headers["location"].endswith("/da-nop"):
            outcome["acknowledged"] = True
