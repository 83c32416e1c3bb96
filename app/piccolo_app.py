"""The Piccolo app: every table of every domain, and where migrations live."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.accounts.tables import (
    LoginAttempt,
    PasswordReset,
    RecoveryCode,
    SecondFactor,
    User,
    UserAgency,
    UserSession,
)
from app.archive.tables import (
    ArchivalDocument,
    ArchivalFile,
    ArchiveHold,
    ArchivePackage,
    DisposalItem,
    DisposalList,
    RetentionRule,
)
from app.audit.tables import AuditEntry, AuditHead
from app.calendar.tables import CalendarOverride, DueNotice, OfficeHoursVersion
from app.catalog.tables import (
    Field,
    FormTemplate,
    Procedure,
    ProcedureComponent,
    ProcedureStep,
    ProcedureVersion,
    PublishingDecision,
)
from app.counter.tables import PaperReception, ReceptionToken, ResultReturn
from app.digitisation.tables import Scan
from app.directory.tables import AdminUnit, Agency, AgencyCounter, AgencySigner
from app.dossiers.tables import (
    DailySequence,
    DeadlineAlert,
    Dossier,
    DossierApology,
    DossierComponent,
    DossierEvent,
    DossierPause,
    DossierResult,
    RequestedComponent,
    RuleVersion,
    StoredFile,
)
from app.feedback.tables import Feedback, FeedbackAccess, FeedbackEvent, PhoneVerification
from app.identity.tables import IdentityCheck, NumberClaim, SandboxPerson
from app.integrations.dvcqg.tables import (
    NationalDossierLink,
    NationalFeedbackLink,
    NationalSync,
    Reconciliation,
    SandboxPortalFiling,
    SandboxPortalReceipt,
)
from app.integrations.ioffice.tables import OfficialDocument, SandboxDocumentRegister
from app.integrations.tables import PartnerCall, PartnerOutbox
from app.integrations.vneid.tables import NationalAccountLink, OidcLogin, SandboxOidcCode
from app.integrations.zalo.tables import SandboxZaloReply
from app.internal.tables import (
    AccountChange,
    AccountRequest,
    AccountRequestPerson,
    SetPasswordToken,
)
from app.jobs.tables import JobRun
from app.late_lists.tables import LateList, LateListRow
from app.legal_forms.tables import IssuedForm, ResultConversion
from app.notifications.tables import (
    NotificationTemplate,
    OutboxMessage,
    SandboxMessage,
    StaffNotice,
)
from app.payments.tables import Payment, PaymentCallback, SandboxTransaction
from app.processes.tables import ProcessStepRow, ProcessVersion
from app.ratings.tables import Rating, RatingInvite, RatingOfficer
from app.reports.tables import ReportExport
from app.service_index.tables import IndexSnapshot
from app.signatures.tables import DocumentSignature, ResultDraft, SigningCertificate
from app.system.tables import Heartbeat
from app.warehouse.tables import WarehouseDocument
from app.workqueue.tables import BatchRun

TABLES = [
    AdminUnit,
    Agency,
    User,
    UserAgency,
    UserSession,
    LoginAttempt,
    Field,
    Procedure,
    ProcedureComponent,
    ProcedureStep,
    RuleVersion,
    StoredFile,
    Dossier,
    DossierEvent,
    DossierComponent,
    DailySequence,
    DossierPause,
    DossierApology,
    DossierResult,
    DeadlineAlert,
    OfficeHoursVersion,
    CalendarOverride,
    AuditEntry,
    AuditHead,
    Heartbeat,
    OutboxMessage,
    SandboxMessage,
    NotificationTemplate,
    JobRun,
    ReportExport,
    Scan,
    WarehouseDocument,
    ResultConversion,
    Payment,
    PaymentCallback,
    SandboxTransaction,
    FormTemplate,
    SecondFactor,
    RecoveryCode,
    ResultReturn,
    PaperReception,
]
TABLES += [AccountRequest, AccountRequestPerson, AccountChange, SetPasswordToken]
TABLES += [RatingInvite, Rating, RatingOfficer]
TABLES += [Feedback, FeedbackEvent]
TABLES += [StaffNotice]
TABLES += [RequestedComponent]
TABLES += [Feedback, FeedbackEvent, PhoneVerification, FeedbackAccess]
TABLES += [IdentityCheck, SandboxPerson]
TABLES += [RetentionRule, ArchivePackage, ArchivalFile, ArchivalDocument, DisposalList,
           DisposalItem, ArchiveHold]
TABLES += [AgencyCounter, AgencySigner, PublishingDecision, ProcedureVersion]
# National integrations (#19): partner outbox and call log, portal sync, VNeID, iOffice, Zalo.
TABLES += [PartnerCall, PartnerOutbox, NationalSync, NationalDossierLink, NationalFeedbackLink,
           Reconciliation, SandboxPortalReceipt, SandboxPortalFiling, OfficialDocument,
           SandboxDocumentRegister, NationalAccountLink, OidcLogin, SandboxOidcCode,
           SandboxZaloReply]
TABLES += [SigningCertificate, ResultDraft, DocumentSignature]
TABLES += [ProcessVersion, ProcessStepRow, ReceptionToken]
TABLES += [LateList, LateListRow]
TABLES += [PasswordReset, NumberClaim]
TABLES += [BatchRun, IssuedForm, DueNotice]
TABLES += [IndexSnapshot]  # service index: monthly snapshots for the charts (#18)

APP_CONFIG = AppConfig(
    app_name="motcua",
    migrations_folder_path=str(Path(__file__).resolve().parent.parent / "migrations"),
    table_classes=TABLES,
    migration_dependencies=[],
    commands=[],
)
