"""Tables of the identity check: each check an account made, and the sandbox registry's
own people (the sandbox stands in for the national population database)."""

from piccolo.columns import Date, ForeignKey, OnDelete, Timestamptz, Varchar
from piccolo.table import Table

from app.accounts.tables import User


class IdentityCheck(Table, tablename="identity_check"):
    """One check of an account's CCCD, name and date of birth against the population
    database: `outcome` is an `app.identity.logic.Outcome` value. Kept to explain the
    account's state to the citizen and to limit how often a check may be tried."""

    user = ForeignKey(User, null=False, on_delete=OnDelete.cascade, index=True)
    outcome = Varchar(length=20)
    checked_at = Timestamptz(index=True)


class SandboxPerson(Table, tablename="sandbox_person"):
    """A person the sandbox population registry knows (demo data and tests add them).
    Used only when MOTCUA_POPULATION_REGISTRY=sandbox."""

    id_number = Varchar(length=12, unique=True)
    full_name = Varchar(length=200)
    birth_date = Date()


class NumberClaim(Table, tablename="number_claim"):
    """A registration for a CCCD that an unverified account already holds: the registry
    was asked whether the new registrant is its owner. Limited per CCCD (as an account's
    own checks are), so nobody walks the days of a year to find the owner's birthday."""

    id_number = Varchar(length=12, index=True)
    outcome = Varchar(length=20)
    checked_at = Timestamptz(index=True)
