"""The go-live commands as the IT team runs them: `init` on an empty database (and never
on a used one), `catalog import/export/template`."""

from __future__ import annotations

import pytest

from app.catalog_io.logic import PROCEDURE_SHEET
from app.documents.sheets import read_workbook
from tests import factories
from tests.catalog_workbooks import procedures
from tests.cli_helpers import app_cli
from tests.conftest import drop_database, empty_database_url, run
from tests.sql import query_on


@pytest.fixture
def empty_database(tmp_path, monkeypatch):
    """A new, empty database the CLI run on tmp_path uses (`init` wants one)."""
    database = empty_database_url(tmp_path)
    monkeypatch.setenv("MOTCUA_DATABASE_URL", database)
    yield database
    drop_database(database)


def test_init_starts_an_empty_province_with_one_admin_and_refuses_twice(tmp_path, empty_database):
    database = empty_database
    first = app_cli("init", "--province", "Quảng Ngãi", "--admin", "QuanTri",
                    "--name", "Nguyễn Văn Quản", var_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "Tài khoản quản trị cấp tỉnh: quantri" in first.stdout
    link = next(line.strip() for line in first.stdout.splitlines() if "/dat-mat-khau/" in line)
    assert link.startswith("http://127.0.0.1:8000/dat-mat-khau/")
    assert (tmp_path / "province_name").read_text(encoding="utf-8") == "Quảng Ngãi"
    users = query_on(database, "SELECT username, role, password_hash FROM app_user")
    assert users == [("quantri", "provincial_admin", "!chua-dat-mat-khau")]
    assert query_on(database, "SELECT name, level FROM admin_unit") == [
        ("Tỉnh Quảng Ngãi", "tinh")]
    assert query_on(database, "SELECT count(*) FROM agency") == [(0,)]
    assert query_on(database, "SELECT count(*) FROM procedure") == [(0,)]
    assert query_on(database, "SELECT count(*) FROM rule_version")[0][0] >= 2
    again = app_cli("init", "--province", "Quảng Ngãi", "--admin", "khac", var_dir=tmp_path)
    assert again.returncode == 2 and "cơ sở dữ liệu trống" in again.stderr


def test_init_refuses_bad_names_in_vietnamese(db):
    import pytest

    from app.system.initialise import InitRefused, initialise

    with pytest.raises(InitRefused, match="Tên đăng nhập quản trị"):
        run(initialise("Quảng Ngãi", "Quản trị", "Quản trị"))
    with pytest.raises(InitRefused, match="danh mục đơn vị hành chính"):
        run(initialise("Tỉnh Không Có", "admin", "Quản trị", with_communes=True))
    with pytest.raises(InitRefused, match="Nhập tên tỉnh"):
        run(initialise("  ", "admin", "Quản trị"))


def test_catalog_commands_dry_run_import_twice_and_export(db, tmp_path):
    run(factories.agency("Sở Tư pháp"))
    run(factories.agency("Sở Xây dựng"))
    var_dir = db.parent
    book = tmp_path / "tthc.xlsx"
    book.write_bytes(procedures(4, ("Sở Tư pháp", "Sở Xây dựng")))
    dry = app_cli("catalog", "import", str(book), "--dry-run", var_dir=var_dir)
    assert dry.returncode == 0 and "nhập thử" in dry.stdout and "thêm mới 4" in dry.stdout
    real = app_cli("catalog", "import", str(book), var_dir=var_dir)
    assert real.returncode == 0 and "Đã nhập: thêm mới 4, sửa đổi 0" in real.stdout
    twice = app_cli("catalog", "import", str(book), var_dir=var_dir)
    assert "thêm mới 0, sửa đổi 0, không đổi 4" in twice.stdout
    out = tmp_path / "xuat.xlsx"
    assert app_cli("catalog", "export", str(out), var_dir=var_dir).returncode == 0
    assert len(read_workbook(out.read_bytes())[PROCEDURE_SHEET]) == 5
    bad = tmp_path / "hong.xlsx"
    bad.write_bytes(b"not a workbook")
    refused = app_cli("catalog", "import", str(bad), var_dir=var_dir)
    assert refused.returncode == 1 and "không phải bảng tính Excel" in refused.stderr


def test_init_with_communes_loads_the_official_units_of_that_province(db):
    from app.directory.tables import AdminUnit
    from app.system.initialise import initialise

    done = run(initialise("Tỉnh Quảng Ngãi", "quantri", "Quản trị", with_communes=True))
    root = AdminUnit.select().where(AdminUnit.depth == 0).first().run_sync()
    assert root["code"] == "51" and done.units == AdminUnit.count().run_sync() > 50
    assert "/dat-mat-khau/" in done.link
