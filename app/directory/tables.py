"""Tables of the directory domain: the administrative-unit tree and the agencies."""

from piccolo.columns import Boolean, Date, ForeignKey, Integer, OnDelete, Varchar
from piccolo.table import Table


class AdminUnit(Table, tablename="admin_unit"):
    """An administrative unit (đơn vị hành chính) in a tree whose levels are data.

    Since July 2025 the tree is province → commune/ward; units of the seeds' era
    (province → district → commune) are loaded too, marked inactive, so old dossiers and
    reports keep their places. `code` is the national code, unique within an `era`.
    """

    code = Varchar(length=20, index=True)
    era = Varchar(length=20, default="2025")
    name = Varchar(length=200)
    level = Varchar(length=40)  # "tinh", "huyen", "xa", ... (data, not an enum)
    level_name = Varchar(length=60)  # "Tỉnh", "Huyện", "Phường", "Xã", "Đặc khu"
    parent = ForeignKey("self", null=True, on_delete=OnDelete.restrict)
    depth = Integer(default=0)
    active = Boolean(default=True)
    # Validity and mergers (app.directory.logic): a unit merged into another stops on
    # `valid_to` and names its successor; agencies and dossiers that point at it keep it.
    valid_from = Date(null=True, default=None)
    valid_to = Date(null=True, default=None)
    replaced_by = ForeignKey("self", null=True, on_delete=OnDelete.restrict)


class Agency(Table, tablename="agency"):
    """An agency (cơ quan, đơn vị) that receives or processes dossiers.

    `code` is the agency code used in dossier codes (mã định danh, e.g. 000.00.17.H55).
    """

    code = Varchar(length=40, unique=True)
    name = Varchar(length=255)
    short_name = Varchar(length=80, default="")
    kind = Varchar(length=40, default="so")  # so (department), ubnd_xa, cong_an, ...
    parent = ForeignKey("self", null=True, on_delete=OnDelete.restrict)
    admin_unit = ForeignKey(AdminUnit, null=True, on_delete=OnDelete.restrict)
    address = Varchar(length=255, default="")
    phone = Varchar(length=40, default="")
    email = Varchar(length=120, default="")
    active = Boolean(default=True)
    # The agency's code on the national public service portal (Cổng DVCQG), when it differs
    # from the code used in dossier codes.
    portal_code = Varchar(length=60, default="")


class AgencyCounter(Table, tablename="agency_counter"):
    """A reception counter (quầy) of an agency, e.g. "Quầy số 3 — Tư pháp"."""

    agency = ForeignKey(Agency, null=False, on_delete=OnDelete.cascade, index=True)
    name = Varchar(length=120)
    location = Varchar(length=255, default="")
    active = Boolean(default=True)


class AgencySigner(Table, tablename="agency_signer"):
    """An official who signs the agency's documents (người có thẩm quyền ký), with the title
    printed above the signature; `position` orders them (the head first)."""

    agency = ForeignKey(Agency, null=False, on_delete=OnDelete.cascade, index=True)
    full_name = Varchar(length=200)
    title = Varchar(length=200)  # e.g. "Giám đốc", "KT. Giám đốc — Phó Giám đốc"
    position = Integer(default=0)
    active = Boolean(default=True)
