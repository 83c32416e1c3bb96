"""Tables of the catalogue: fields, procedures, their components and internal process."""

from piccolo.columns import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.reference import LazyTableReference
from piccolo.table import Table

from app.directory.tables import Agency


class Field(Table, tablename="catalog_field"):
    """A field of administrative procedures (lĩnh vực), e.g. Hộ tịch, Xây dựng."""

    code = Varchar(length=40, unique=True)
    name = Varchar(length=200)


class Procedure(Table, tablename="procedure"):
    """An administrative procedure (thủ tục hành chính) offered by an agency.

    The time limit always carries its unit (`app.catalog.logic.TimeUnit`): seed 001 shows
    what goes wrong when calendar days are published as if they were working days.
    `search_text` is the name and field name folded to ASCII lower case for
    diacritic-insensitive search (`app.catalog.logic.search_text`).
    """

    code = Varchar(length=40, unique=True)  # national code, e.g. 1.001193
    name = Varchar(length=500)
    search_text = Varchar(length=500, default="", index=True)
    field = ForeignKey(Field, null=False, on_delete=OnDelete.restrict, index=True)
    agency = ForeignKey(Agency, null=False, on_delete=OnDelete.restrict, index=True)
    level = Varchar(length=20)  # tinh | xa | trung_uong (data)
    time_limit_amount = Numeric(digits=(8, 2))
    time_limit_unit = Varchar(length=20)  # hours | working_days | calendar_days | months
    fee_text = Text(default="")
    fee_amount = Integer(default=0)  # đồng; 0 = free
    online_level = Varchar(length=20)  # full | partial | none
    boundary_free = Boolean(default=False)  # reception regardless of administrative boundary
    internal = Boolean(default=False)  # internal procedure (TTHC nội bộ): applicant is an agency
    steps_text = Text(default="")  # the published order of execution (trình tự thực hiện)
    where_to_submit = Text(default="")
    active = Boolean(default=True)
    # The rest of what Nghị định 63/2010 art. 8(2) puts on a public procedure page; the
    # in-force content is copied here from its `ProcedureVersion` (app.catalog.publishing).
    subjects = Text(default="")  # đối tượng thực hiện
    methods = Varchar(length=60, default="")  # in_person,online,post (cách thức thực hiện)
    fee_exemptions = Text(default="")
    result_kind = Varchar(length=20, default="document")  # document | none
    result_text = Text(default="")  # kết quả thực hiện
    conditions = Text(default="")  # yêu cầu, điều kiện
    legal_basis = JSON(default="[]")  # [{"title": ..., "effective_from": "YYYY-MM-DD"}]
    online_payment = Boolean(default=False)
    current_version = ForeignKey(LazyTableReference("ProcedureVersion",
                                                    module_path="app.catalog.tables"),
                                 null=True, on_delete=OnDelete.restrict)


class ProcedureComponent(Table, tablename="procedure_component"):
    """A document the applicant supplies (thành phần hồ sơ)."""

    procedure = ForeignKey(Procedure, null=False, on_delete=OnDelete.cascade, index=True)
    position = Integer(default=0)
    name = Varchar(length=500)
    kind = Varchar(length=20, default="original")  # original | certified_copy | copy | any
    quantity = Integer(default=1)
    required = Boolean(default=True)
    form_template = Varchar(length=200, default="")  # name of the form (mẫu đơn, tờ khai)
    # False once a newer version dropped it: kept (old dossiers point at it), not offered.
    active = Boolean(default=True)


class ProcedureStep(Table, tablename="procedure_step"):
    """One step of the internal process (quy trình nội bộ) with its role and allotted time."""

    procedure = ForeignKey(Procedure, null=False, on_delete=OnDelete.cascade, index=True)
    position = Integer(default=0)
    name = Varchar(length=300)
    role = Varchar(length=30)  # app.accounts.roles.Role value
    agency = ForeignKey(Agency, null=True, on_delete=OnDelete.restrict)  # null = procedure's
    allotted_hours = Numeric(digits=(8, 2))


class FormTemplate(Table, tablename="form_template"):
    """The downloadable file of a component's form (mẫu đơn, tờ khai), one per component.

    Agencies replace it with the official file; where none was supplied, the first
    download stores a blank form generated from the form's name (`app.catalog.forms`)."""

    component = ForeignKey(ProcedureComponent, null=False, on_delete=OnDelete.cascade,
                           unique=True)
    # Lazy: the file store's table lives in app.dossiers.tables, which imports this module.
    file = ForeignKey(LazyTableReference("StoredFile", module_path="app.dossiers.tables"),
                      null=False, on_delete=OnDelete.restrict)
    filename = Varchar(length=200)
    generated = Boolean(default=False)


class PublishingDecision(Table, tablename="publishing_decision"):
    """A decision publishing procedures (quyết định công bố TTHC): its number, the day it
    was signed and the day it takes effect. Each version it publishes adds, amends or
    abolishes one procedure; the dates feed service-index indicators 1.1–1.2."""

    number = Varchar(length=80, unique=True)  # e.g. 1234/QĐ-UBND
    signed_on = Date()
    effective_from = Date()
    issuer = Varchar(length=255, default="")
    title = Text(default="")
    created_at = Timestamptz()
    created_by = ForeignKey(LazyTableReference("User", module_path="app.accounts.tables"),
                            null=True, on_delete=OnDelete.restrict)


class ProcedureVersion(Table, tablename="procedure_version"):
    """One version of a procedure's public content, immutable once published.

    `content` is the whole page (app.catalog.content.ProcedureContent as JSON). A draft
    (status "draft", no number) is edited until the provincial admin publishes it through a
    decision; it is then "scheduled" until its effective day, "in_force" from then, and
    "superseded" by the next. Dossiers keep the version they were received under
    (`dossier.procedure_version`)."""

    # None for the draft of a procedure not yet published: its row is made on publishing.
    procedure = ForeignKey(Procedure, null=True, on_delete=OnDelete.restrict, index=True)
    number = Integer(null=True, default=None)
    status = Varchar(length=20, default="draft", index=True)
    change = Varchar(length=20, default="add")  # add | amend | abolish
    decision = ForeignKey(PublishingDecision, null=True, on_delete=OnDelete.restrict)
    effective_from = Date(null=True, default=None, index=True)
    content = JSON(default="{}")
    newest_basis_from = Date(null=True, default=None)  # newest legal basis in force (1.1)
    note = Text(default="")
    created_at = Timestamptz()
    created_by = ForeignKey(LazyTableReference("User", module_path="app.accounts.tables"),
                            null=True, on_delete=OnDelete.restrict)
    published_at = Timestamptz(null=True, default=None)  # made public in the catalogue (1.2)
    published_by = ForeignKey(LazyTableReference("User", module_path="app.accounts.tables"),
                              null=True, on_delete=OnDelete.restrict)
    applied_at = Timestamptz(null=True, default=None)  # became the in-force content
