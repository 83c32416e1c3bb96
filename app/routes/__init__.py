"""Thin controllers, one module per area; `CONTROLLERS` registers them all."""

from app.routes.auth import AuthController
from app.routes.citizen import CitizenController
from app.routes.compliance import ComplianceController
from app.routes.counter import CounterController
from app.routes.dossiers import DossierController
from app.routes.feedback import FeedbackController, FeedbackStaffController
from app.routes.health import health
from app.routes.internal import (
    AccountsController,
    InternalRequestController,
    SetPasswordController,
)
from app.routes.public import PublicController
from app.routes.ratings import KioskController, RatingController
from app.routes.staff import StaffController
from app.routes.submission import SubmissionController, SupplementController

CONTROLLERS = [
    PublicController, AuthController, CitizenController, StaffController, CounterController,
    DossierController, SubmissionController, SupplementController, health,
]
CONTROLLERS += [ComplianceController, InternalRequestController, AccountsController,
                SetPasswordController, RatingController, KioskController,
                FeedbackController, FeedbackStaffController]
