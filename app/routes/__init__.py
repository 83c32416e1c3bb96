"""Thin controllers, one module per area; `CONTROLLERS` registers them all."""

from app.routes.agencies_admin import AgenciesController
from app.routes.archive import ArchiveController
from app.routes.archive_disposal import DisposalController, RetentionController
from app.routes.archive_packages import PackageController
from app.routes.auth import AuthController
from app.routes.calendar_admin import CalendarAdminController
from app.routes.catalog_admin import CatalogAdminController
from app.routes.catalog_import import CatalogImportController
from app.routes.citizen import CitizenController
from app.routes.compliance import ComplianceController
from app.routes.conversion import ConversionController
from app.routes.counter import CounterController
from app.routes.digitisation import DigitisationController
from app.routes.dossiers import DossierController
from app.routes.feedback import FeedbackController, FeedbackStaffController
from app.routes.health import health
from app.routes.identity import CounterIdentityController, IdentityController
from app.routes.internal import (
    AccountsController,
    InternalRequestController,
    SetPasswordController,
)
from app.routes.jobs import JobsController
from app.routes.late_lists import LateListAdminController, LateListController
from app.routes.legal_forms import LegalFormController
from app.routes.national import (
    DossierSyncController,
    NationalSyncController,
    NationalWebhooks,
    ResultDownloadController,
    SandboxPortalController,
)
from app.routes.notifications import FailedMessagesController, TemplateAdminController
from app.routes.notifications_api import SmsInboundController
from app.routes.organisation import UnitsController
from app.routes.paper import PaperController
from app.routes.payments import (
    PaymentController,
    ReconciliationController,
    SandboxController,
    payment_callback,
)
from app.routes.procedure_history import ProcedureHistoryController
from app.routes.processes import ProcessAdminController
from app.routes.public import PublicController
from app.routes.queue import QueueController
from app.routes.ratings import KioskController, RatingController
from app.routes.recovery import RecoveryController
from app.routes.reports import ReportsController
from app.routes.second_factor import SecondFactorController
from app.routes.service_index import ServiceIndexController
from app.routes.signatures import ResultFileController
from app.routes.staff import StaffController
from app.routes.submission import SubmissionController, SupplementController
from app.routes.tracking import MyDossierController
from app.routes.tracking_book import TrackingBookController
from app.routes.users_admin import AdminHomeController, UsersAdminController
from app.routes.vneid import (
    NationalSignInController,
    SandboxIdentityApi,
    SandboxIdentityPages,
)
from app.routes.warehouse import WarehouseController

CONTROLLERS = [
    PublicController,
    AuthController,
    CitizenController,
    StaffController,
    QueueController,
    CounterController,
    DossierController,
    SubmissionController,
    SupplementController,
    health,
    CalendarAdminController,
    DigitisationController,
    WarehouseController,
    SmsInboundController,
    MyDossierController,
    PaymentController,
    payment_callback,
    SandboxController,
    LegalFormController,
    TrackingBookController,
    ConversionController,
    JobsController,
    ReportsController,
    ComplianceController,
    InternalRequestController,
    AccountsController,
    SetPasswordController,
    RatingController,
    KioskController,
    FeedbackController,
    FeedbackStaffController,
    SecondFactorController,
    FailedMessagesController,
    TemplateAdminController,
    PaperController,
    ReconciliationController,
    ServiceIndexController,
    IdentityController,
    CounterIdentityController,
    ArchiveController,
    PackageController,
    DisposalController,
    RetentionController,
    ResultFileController,
    ProcessAdminController,
    RecoveryController,
]
# Go-live back office (issue #15): organisation, catalogue, users.
CONTROLLERS += [
    AdminHomeController,
    UnitsController,
    AgenciesController,
    CatalogAdminController,
    CatalogImportController,
    UsersAdminController,
    ProcedureHistoryController,
]
# National integrations (#19): portal and Zalo webhooks, sync pages, VNeID, sandboxes.
CONTROLLERS += [
    NationalWebhooks,
    NationalSyncController,
    DossierSyncController,
    SandboxPortalController,
    NationalSignInController,
    SandboxIdentityPages,
    SandboxIdentityApi,
    ResultDownloadController,
]
# Service index (issue #18): public monthly late lists and their approval.
CONTROLLERS += [LateListController, LateListAdminController]
