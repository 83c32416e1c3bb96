"""The transition table: which roles may take which action in which status. Pure: no I/O.

This is the single source the machine checks first (`app.workflow.machine`) and the one a
documentation page or test enumerates. Conditions that depend on more than status and role
(assignee, agency, channel, late rule, result, fees) are guards in the machine; each rule's
`note` names them.

Read-only roles (agency admin, provincial admin, auditor) appear in no rule: they see
dossiers but never move them, so a stray click cannot alter what they are inspecting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from app.accounts.roles import APPLICANT_ROLES, Role
from app.dossiers.logic import Status
from app.workflow.logic import Action

APPLICANT = APPLICANT_ROLES
COUNTER = frozenset({Role.COUNTER_OFFICER})
POSTAL = frozenset({Role.POSTAL_STAFF})
LEADER = frozenset({Role.LEADER})
HANDLER_OR_LEADER = frozenset({Role.HANDLER, Role.LEADER})
PAYERS = APPLICANT | COUNTER | POSTAL  # paid online, at the counter, or to the postman
READ_ONLY_ROLES = frozenset({Role.AGENCY_ADMIN, Role.PROVINCIAL_ADMIN, Role.AUDITOR})

# While a dossier needs an apology (late or forecast late), these are refused: each would
# move the file on, or back, as if the appointment still held. Still allowed: recording the
# apology, assigning someone to write it, ending processing (refuse, stop, withdrawal) and
# the applicant's own actions (paying, asking to withdraw), which must never wait on staff.
LATE_BLOCKED = frozenset(
    {
        Action.FORWARD,
        Action.RETURN_STEP,
        Action.TRANSFER,
        Action.REQUEST_SUPPLEMENT,
        Action.REQUEST_PAYMENT,
        Action.APPROVE,
        Action.SIGN,
        Action.ISSUE_RESULT,
    }
)


@dataclass(frozen=True)
class Rule:
    targets: tuple[Status, ...]  # every status the action can lead to from this one
    roles: frozenset[Role]
    note: str


_S, _A = Status, Action


def _reception(status: Status) -> dict[tuple[Status, Action], Rule]:
    when = "in person or by post only" if status == _S.DRAFT else "any channel"
    return {
        (status, _A.ACCEPT): Rule((_S.RECEIVED,), COUNTER, f"form 01, clock starts; {when}"),
        (status, _A.REQUEST_SUPPLEMENT): Rule(
            (_S.SUPPLEMENT_REQUESTED,), COUNTER, f"form 02, resumes as new; {when}"
        ),
        (status, _A.REFUSE): Rule((_S.NOT_RECEIVED,), COUNTER, f"form 03 with reason; {when}"),
        (status, _A.REDIRECT): Rule(
            (_S.NOT_RECEIVED,), COUNTER, f"names the competent agency; {when}"
        ),
    }


_PROCESSING = {
    (_S.PROCESSING, _A.ASSIGN): Rule((_S.PROCESSING,), LEADER, "sets the step's handler"),
    (_S.PROCESSING, _A.FORWARD): Rule(
        (_S.PROCESSING, _S.PROCESSED),
        HANDLER_OR_LEADER,
        "next step; from the last step finishes, only with a result; late rule",
    ),
    (_S.PROCESSING, _A.RETURN_STEP): Rule(
        (_S.PROCESSING,), HANDLER_OR_LEADER, "not from step 1; voids approval; late rule"
    ),
    (_S.PROCESSING, _A.TRANSFER): Rule(
        (_S.PROCESSING,), HANDLER_OR_LEADER, "form 06, to a different agency; late rule"
    ),
    (_S.PROCESSING, _A.REQUEST_SUPPLEMENT): Rule(
        (_S.SUPPLEMENT_REQUESTED,), HANDLER_OR_LEADER, "form 02, clock pauses; late rule"
    ),
    (_S.PROCESSING, _A.REQUEST_PAYMENT): Rule(
        (_S.FINANCIAL_OBLIGATION,), HANDLER_OR_LEADER, "adds to fees due; late rule"
    ),
    (_S.PROCESSING, _A.RECORD_APOLOGY): Rule(
        (_S.PROCESSING,), HANDLER_OR_LEADER, "form 04, new appointment"
    ),
    (_S.PROCESSING, _A.ATTACH_DRAFT): Rule(
        (_S.PROCESSING,), HANDLER_OR_LEADER, "the draft result PDF; not once signed; voids approval"
    ),
    (_S.PROCESSING, _A.APPROVE): Rule((_S.PROCESSING,), LEADER, "once; late rule"),
    (_S.PROCESSING, _A.SIGN): Rule(
        (_S.PROCESSING,), LEADER, "after approval; a valid signature of the draft; late rule"
    ),
    (_S.PROCESSING, _A.ISSUE_RESULT): Rule(
        (_S.PROCESSING,), HANDLER_OR_LEADER, "issues the signed file; only once signed; late rule"
    ),
    (_S.PROCESSING, _A.REFUSE): Rule((_S.STOPPED,), LEADER, "refusal letter with reason"),
    (_S.PROCESSING, _A.STOP): Rule((_S.STOPPED,), LEADER, "form 05 with reason"),
    (_S.PROCESSING, _A.PAY): Rule((_S.PROCESSING,), PAYERS, "only with fees outstanding"),
    (_S.PROCESSING, _A.REQUEST_WITHDRAWAL): Rule(
        (_S.WITHDRAWAL_REQUESTED,), APPLICANT, "owner only"
    ),
}

TRANSITIONS: Mapping[tuple[Status, Action], Rule] = MappingProxyType(
    {
        (_S.DRAFT, _A.SUBMIT): Rule(
            (_S.NEW,), APPLICANT | POSTAL, "online by the owner; by post by postal staff"
        ),
        **_reception(_S.DRAFT),
        **_reception(_S.NEW),
        (_S.NEW, _A.PAY): Rule((_S.NEW,), PAYERS, "only with fees outstanding"),
        (_S.RECEIVED, _A.FORWARD): Rule(
            (_S.PROCESSING,), COUNTER | LEADER, "hands over to step 1; late rule"
        ),
        (_S.RECEIVED, _A.RECORD_APOLOGY): Rule(
            (_S.RECEIVED,), COUNTER | LEADER, "form 04, new appointment"
        ),
        (_S.RECEIVED, _A.PAY): Rule((_S.RECEIVED,), PAYERS, "only with fees outstanding"),
        (_S.RECEIVED, _A.REQUEST_WITHDRAWAL): Rule(
            (_S.WITHDRAWAL_REQUESTED,), APPLICANT, "owner only"
        ),
        **_PROCESSING,
        (_S.SUPPLEMENT_REQUESTED, _A.SUPPLY_SUPPLEMENT): Rule(
            (_S.NEW, _S.PROCESSING),
            APPLICANT | COUNTER | POSTAL,
            "back where it was requested; clock resumes if it had started",
        ),
        (_S.SUPPLEMENT_REQUESTED, _A.REFUSE): Rule(
            (_S.NOT_RECEIVED,), COUNTER, "form 03; only when requested at reception"
        ),
        (_S.SUPPLEMENT_REQUESTED, _A.STOP): Rule(
            (_S.STOPPED,), LEADER, "form 05; only when requested during processing"
        ),
        (_S.SUPPLEMENT_REQUESTED, _A.REQUEST_WITHDRAWAL): Rule(
            (_S.WITHDRAWAL_REQUESTED,), APPLICANT, "owner; only when requested in processing"
        ),
        (_S.FINANCIAL_OBLIGATION, _A.PAY): Rule(
            (_S.PROCESSING, _S.FINANCIAL_OBLIGATION), PAYERS,
            "settles all fees; back to the step (a part payment stays)"
        ),
        (_S.FINANCIAL_OBLIGATION, _A.RECORD_APOLOGY): Rule(
            (_S.FINANCIAL_OBLIGATION,), HANDLER_OR_LEADER, "form 04, new appointment"
        ),
        (_S.FINANCIAL_OBLIGATION, _A.STOP): Rule((_S.STOPPED,), LEADER, "form 05"),
        (_S.FINANCIAL_OBLIGATION, _A.REQUEST_WITHDRAWAL): Rule(
            (_S.WITHDRAWAL_REQUESTED,), APPLICANT, "owner only"
        ),
        (_S.WITHDRAWAL_REQUESTED, _A.ACCEPT_WITHDRAWAL): Rule(
            (_S.STOPPED,), COUNTER | LEADER, "form 05"
        ),
        (_S.WITHDRAWAL_REQUESTED, _A.CANCEL_WITHDRAWAL): Rule(
            (
                _S.RECEIVED,
                _S.PROCESSING,
                _S.SUPPLEMENT_REQUESTED,
                _S.FINANCIAL_OBLIGATION,
            ),
            APPLICANT,
            "owner; back to the interrupted status",
        ),
        (_S.PROCESSED, _A.RETURN_RESULT): Rule(
            (_S.RETURNED,), COUNTER | POSTAL, "needs a result and fees settled"
        ),
        (_S.PROCESSED, _A.PAY): Rule((_S.PROCESSED,), PAYERS, "only with fees outstanding"),
    }
)
