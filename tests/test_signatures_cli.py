"""`python -m app signing add | list | disable` in a subprocess, as the IT team runs it:
keys stay files on the server, the database keeps the certificate and the paths, and every
change is audited."""

from __future__ import annotations

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.audit.tables import AuditEntry
from app.formatting import now_utc
from app.signatures.authority import issue, pkcs12_bytes
from app.signatures.tables import SigningCertificate
from tests import factories
from tests.cli_helpers import app_cli
from tests.conftest import run
from tests.signing_world import trusted_ca


def test_register_list_and_disable_a_leaders_key(db, tmp_path):
    async def people():
        agency = await factories.agency("Sở Tư pháp", code="000.00.17.H55")
        await accounts.create_user(username="lanhdao", password="abc12345",
                                   full_name="Đinh Văn Tâm", role=Role.LEADER,
                                   agency_ids=[agency.id])
    run(people())
    leader = issue(trusted_ca(), "Đinh Văn Tâm", now_utc())
    p12, secret = tmp_path / "lanhdao.p12", tmp_path / "lanhdao.pass"
    p12.write_bytes(pkcs12_bytes(leader, trusted_ca(), b"dung-mat-khau"))
    secret.write_text("sai-mat-khau\n")
    var_dir = db.parent

    wrong = app_cli("signing", "add", "--user", "lanhdao", "--pkcs12", str(p12),
                    "--passphrase-file", str(secret), var_dir=var_dir)
    assert wrong.returncode == 2
    assert "Không mở được tệp PKCS#12 bằng mật khẩu đã cho." in wrong.stderr

    secret.write_text("dung-mat-khau\n")
    added = app_cli("signing", "add", "--user", "lanhdao", "--pkcs12", str(p12),
                    "--passphrase-file", str(secret), var_dir=var_dir)
    assert added.returncode == 0, added.stderr
    row = SigningCertificate.select().first().run_sync()
    assert (row["fingerprint"], row["common_name"], row["pkcs12_path"]) == (
        leader.fingerprint, "Đinh Văn Tâm", str(p12))
    assert "dung-mat-khau" not in str(row)  # the passphrase stays in its file

    pem = tmp_path / "lanhdao.pem"
    pem.write_text("không phải chứng thư")
    garbage = app_cli("signing", "add", "--agency", "000.00.17.H55", "--certificate", str(pem),
                      var_dir=var_dir)
    assert garbage.returncode == 2 and "Tệp chứng thư số không đọc được" in garbage.stderr
    pem.write_bytes(leader.pem)
    twice = app_cli("signing", "add", "--agency", "000.00.17.H55", "--certificate", str(pem),
                    var_dir=var_dir)
    assert twice.returncode == 2 and "đã được đăng ký" in twice.stderr

    listed = app_cli("signing", "list", var_dir=var_dir)
    assert "lanhdao" in listed.stdout and "khóa trên máy chủ" in listed.stdout
    off = app_cli("signing", "disable", str(row["id"]), var_dir=var_dir)
    assert off.returncode == 0 and "[đã vô hiệu hóa]" in app_cli(
        "signing", "list", var_dir=var_dir).stdout
    actions = [e["action"] for e in AuditEntry.select(AuditEntry.action).where(
        AuditEntry.action.like("signing.%")).order_by(AuditEntry.id).run_sync()]
    assert actions == ["signing.certificate_registered", "signing.certificate_disabled"]


def test_trust_roots_keep_the_certificates_of_a_bundle_and_skip_the_rest(tmp_path, monkeypatch):
    from app.signatures.certificates import trust_roots

    bundle = tmp_path / "roots.pem"
    bundle.write_bytes(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
                       + trusted_ca().pem)
    monkeypatch.setenv("MOTCUA_SIGNING_TRUST_ROOTS", str(bundle))
    assert [r.sha256.hex() for r in trust_roots()] == [trusted_ca().fingerprint]
    monkeypatch.setenv("MOTCUA_SIGNING_TRUST_ROOTS", str(tmp_path / "missing.pem"))
    assert trust_roots() == []
    monkeypatch.delenv("MOTCUA_SIGNING_TRUST_ROOTS")
    assert trust_roots() == []  # not configured: nothing is trusted
