"""The Piccolo app: every table of every domain, and where migrations live."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.accounts.tables import LoginAttempt, User, UserAgency, UserSession
from app.audit.tables import AuditEntry, AuditHead
from app.calendar.tables import CalendarOverride, OfficeHoursVersion
from app.catalog.tables import Field, Procedure, ProcedureComponent, ProcedureStep
from app.counter.tables import PaperReception, ResultReturn
from app.directory.tables import AdminUnit, Agency
from app.dossiers.tables import (
    DailySequence,
    DeadlineAlert,
    Dossier,
    DossierApology,
    DossierComponent,
    DossierEvent,
    DossierPause,
    DossierResult,
    RuleVersion,
    StoredFile,
)
from app.notifications.tables import NotificationTemplate, OutboxMessage, SandboxMessage
from app.system.tables import Heartbeat

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
    ResultReturn,
    PaperReception,
]

APP_CONFIG = AppConfig(
    app_name="motcua",
    migrations_folder_path=str(Path(__file__).resolve().parent.parent / "migrations"),
    table_classes=TABLES,
    migration_dependencies=[],
    commands=[],
)
