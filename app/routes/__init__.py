"""Thin controllers, one module per area; `CONTROLLERS` registers them all."""

from app.routes.auth import AuthController
from app.routes.citizen import CitizenController
from app.routes.counter import CounterController
from app.routes.dossiers import DossierController
from app.routes.health import health
from app.routes.payments import PaymentController, SandboxController, payment_callback
from app.routes.public import PublicController
from app.routes.staff import StaffController
from app.routes.submission import SubmissionController, SupplementController
from app.routes.tracking import MyDossierController

CONTROLLERS = [
    PublicController, AuthController, CitizenController, StaffController, CounterController,
    DossierController, SubmissionController, SupplementController, health,
    MyDossierController, PaymentController, payment_callback, SandboxController,
]
