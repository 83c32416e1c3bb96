"""Tables of the public late lists: one list per calendar month and its rows."""

from piccolo.columns import Date, ForeignKey, Integer, OnDelete, Timestamptz, Varchar
from piccolo.table import Table

from app.accounts.tables import User


class LateList(Table, tablename="late_list"):
    """A month's list of agencies and officers with late dossiers and the apology letters
    issued. Built as a draft by the worker (and rebuilt while a draft, so late corrections
    are in), approved by the provincial admin, then published by the worker: only a
    published list is public, and neither it nor its rows change afterwards.

    `digest` names the rows of the draft as built, so an approval given on a page showing
    older rows is refused. One list per (year, month): checked in the write transaction.
    """

    year = Integer()
    month = Integer()
    status = Varchar(length=20, default="draft", index=True)  # draft | approved | published
    publish_by = Date()  # the 5th of the next month
    built_at = Timestamptz()
    digest = Varchar(length=64, default="")
    late_total = Integer(default=0)
    approved_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    approved_at = Timestamptz(null=True, default=None)
    published_at = Timestamptz(null=True, default=None)


class LateListRow(Table, tablename="late_list_row"):
    """One agency, or one officer within an agency, with its counts for the month."""

    late_list = ForeignKey(LateList, null=False, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=10)  # agency | officer
    position = Integer(default=0)
    name = Varchar(length=200)  # the agency's name, or the officer's full name
    agency_name = Varchar(length=300, default="")
    late = Integer(default=0)  # late dossiers
    apologised = Integer(default=0)  # of which with an apology letter (form 04)
    letters = Integer(default=0)  # apology letters issued for them
