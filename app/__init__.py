"""Một Cửa — the provincial administrative-procedure settlement system."""

from app.lean_imports import import_without_unused_drivers

import_without_unused_drivers()
