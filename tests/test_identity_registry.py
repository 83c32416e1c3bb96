"""The population registry providers: the sandbox against its own table, the HTTP provider
against a real local HTTP server that fails, times out and answers."""

from datetime import date

import pytest

from app.identity.http import HttpRegistry
from app.identity.logic import Outcome
from app.identity.registry import NoRegistry, RegistryUnavailable, get_registry
from app.identity.sandbox import SandboxRegistry, add_person, demo_people, load_demo_people
from app.identity.tables import SandboxPerson
from tests.conftest import run
from tests.notify_servers import ScriptedGateway

AN = ("051090012345", "Nguyễn Văn An", date(1990, 9, 5))


def test_provider_is_chosen_by_configuration(monkeypatch):
    monkeypatch.delenv("MOTCUA_POPULATION_REGISTRY", raising=False)
    assert isinstance(get_registry(), NoRegistry)
    with pytest.raises(RegistryUnavailable):
        run(get_registry().verify(*AN))
    monkeypatch.setenv("MOTCUA_POPULATION_REGISTRY", "Sandbox")
    assert isinstance(get_registry(), SandboxRegistry)
    monkeypatch.setenv("MOTCUA_POPULATION_REGISTRY", "http")
    monkeypatch.setenv("MOTCUA_POPULATION_URL", "http://registry.example/verify")
    monkeypatch.setenv("MOTCUA_POPULATION_TIMEOUT", "1.5")
    registry = get_registry()
    assert (registry.name, registry.url, registry.timeout) == (
        "http", "http://registry.example/verify", 1.5)


def test_sandbox_answers_from_its_people_like_the_real_registry(db, monkeypatch):
    assert run(load_demo_people()) == len(demo_people())
    registry = SandboxRegistry()
    assert run(registry.verify(*AN)).outcome == Outcome.MATCH
    assert run(registry.verify(AN[0], "nguyễn  văn AN", AN[2])).outcome == Outcome.MATCH
    wrong_name = run(registry.verify(AN[0], "Nguyen Van An", AN[2]))
    assert (wrong_name.outcome, wrong_name.mismatched) == (Outcome.MISMATCH, ("full_name",))
    assert run(registry.verify(AN[0], AN[1], date(1990, 5, 9))).outcome == Outcome.MISMATCH
    assert run(registry.verify("051090099999", *AN[1:])).outcome == Outcome.NOT_FOUND

    run(add_person("051090099999", "Lê Văn Bình", date(1990, 1, 1)))  # tests add people
    assert run(registry.verify("051090099999", "Lê Văn Bình", date(1990, 1, 1))).outcome == (
        Outcome.MATCH)
    run(add_person("051090099999", "Lê Văn Bình", date(1990, 1, 2)))  # and correct them
    assert run(SandboxPerson.count().run()) == len(demo_people()) + 1
    assert run(registry.verify("051090099999", "Lê Văn Bình", date(1990, 1, 1))).outcome == (
        Outcome.MISMATCH)

    monkeypatch.setenv("MOTCUA_POPULATION_SANDBOX_DOWN", "1")
    with pytest.raises(RegistryUnavailable, match="không phản hồi"):
        run(registry.verify(*AN))
    monkeypatch.delenv("MOTCUA_POPULATION_SANDBOX_DOWN")
    assert run(registry.verify(*AN)).outcome == Outcome.MATCH


@pytest.fixture
def registry_server():
    with ScriptedGateway() as server:
        yield server, HttpRegistry(server.url, "registry-token", timeout=0.3)


def test_http_registry_reads_the_record_and_compares_it_with_our_rules(registry_server):
    server, registry = registry_server
    record = {"full_name": "NGUYỄN VĂN AN", "birth_date": "1990-09-05"}
    server.script.extend([("ok", record), ("ok", record), ("status", 404)])
    assert run(registry.verify(*AN)).outcome == Outcome.MATCH
    assert run(registry.verify(AN[0], "Nguyen Van An", AN[2])).mismatched == ("full_name",)
    assert run(registry.verify(*AN)).outcome == Outcome.NOT_FOUND
    sent = server.requests[0]
    assert sent["json"] == {"id_number": AN[0]}  # the name and date never leave us
    assert sent["headers"]["Authorization"] == "Bearer registry-token"


@pytest.mark.parametrize(("reply", "reason"), [
    (("status", 503), "lỗi \\(mã 503\\)"),
    (("status", 500), "lỗi \\(mã 500\\)"),
    (("status", 401), "lỗi \\(mã 401\\)"),
    (("sleep", 0.6), "không trả lời trong 0.3 giây"),
    (("ok", {"full_name": "Nguyễn Văn An"}), "không đúng định dạng"),
    (("ok", {"full_name": "Nguyễn Văn An", "birth_date": "05/09/1990"}), "không đúng định dạng"),
    (("ok", ["not", "an", "object"]), "không đúng định dạng"),
])
def test_http_registry_failures_are_unavailable_never_a_yes(registry_server, reply, reason):
    server, registry = registry_server
    server.script.append(reply)
    with pytest.raises(RegistryUnavailable, match=reason):
        run(registry.verify(*AN))


def test_http_registry_down_or_unconfigured_is_unavailable():
    with pytest.raises(RegistryUnavailable, match="Không kết nối được"):
        run(HttpRegistry("http://127.0.0.1:9/verify", "t", timeout=0.3).verify(*AN))
    with pytest.raises(RegistryUnavailable, match="Chưa cấu hình"):
        run(HttpRegistry("", "t").verify(*AN))


def test_http_registry_without_a_token_sends_no_authorization_header(registry_server):
    server, _ = registry_server
    server.script.append(("status", 404))
    assert run(HttpRegistry(server.url, "").verify(*AN)).outcome == Outcome.NOT_FOUND
    assert "Authorization" not in server.requests[0]["headers"]
