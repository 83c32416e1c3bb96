"""Thin controllers, one module per area; `CONTROLLERS` registers them all."""

from app.routes.auth import AuthController
from app.routes.citizen import CitizenController
from app.routes.conversion import ConversionController
from app.routes.counter import CounterController
from app.routes.dossiers import DossierController
from app.routes.health import health
from app.routes.legal_forms import LegalFormController
from app.routes.public import PublicController
from app.routes.staff import StaffController
from app.routes.submission import SubmissionController, SupplementController
from app.routes.tracking_book import TrackingBookController

CONTROLLERS = [
    PublicController, AuthController, CitizenController, StaffController, CounterController,
    DossierController, SubmissionController, SupplementController, health,
]
CONTROLLERS += [LegalFormController, TrackingBookController, ConversionController]
