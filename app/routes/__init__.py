"""Thin controllers, one module per area; `CONTROLLERS` registers them all."""

from app.routes.auth import AuthController
from app.routes.calendar_admin import CalendarAdminController
from app.routes.citizen import CitizenController
from app.routes.counter import CounterController
from app.routes.dossiers import DossierController
from app.routes.health import health
from app.routes.paper import PaperController
from app.routes.public import PublicController
from app.routes.staff import StaffController
from app.routes.submission import SubmissionController, SupplementController

CONTROLLERS = [
    PublicController, AuthController, CitizenController, StaffController, CounterController,
    DossierController, SubmissionController, SupplementController, health,
    CalendarAdminController, PaperController,
]
