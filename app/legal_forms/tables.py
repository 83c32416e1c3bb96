"""Tables of the legal-forms domain."""

from piccolo.columns import ForeignKey, Integer, OnDelete, Timestamptz, Varchar
from piccolo.table import Table

from app.accounts.tables import User
from app.directory.tables import Agency
from app.dossiers.tables import Dossier


class ResultConversion(Table, tablename="result_conversion"):
    """An electronic result printed as a paper copy bearing the conversion mark (Nghị định
    45/2020, art. 18): who converted which file (by SHA-256) and when. The converter's
    name is kept as printed, so a later rename does not change what the paper says."""

    dossier = ForeignKey(Dossier, null=False, on_delete=OnDelete.restrict, index=True)
    result_sha256 = Varchar(length=64)
    converted_by = ForeignKey(User, null=False, on_delete=OnDelete.restrict)
    converter_name = Varchar(length=200)
    converted_at = Timestamptz()


class IssuedForm(Table, tablename="issued_form"):
    """The register number of a letter the counter or agency issues (forms 01–05): taken
    the first time the form is printed, as a paper register would give it, and the same on
    every later print. Numbers run per issuing agency, form and year ("Số: 07/PXL-STP").
    `key` (dossier:form:event) is unique, so two first prints cannot number it twice."""

    key = Varchar(length=80, unique=True)
    dossier = ForeignKey(Dossier, null=False, on_delete=OnDelete.restrict, index=True)
    kind = Varchar(length=20)
    agency = ForeignKey(Agency, null=False, on_delete=OnDelete.restrict)
    year = Integer()
    number = Integer()
    issued_at = Timestamptz()
