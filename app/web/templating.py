"""Jinja setup: Vietnamese formatting filters and labels shared by every template."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from app import formatting
from app.accounts.roles import ROLE_LABELS
from app.catalog.logic import (
    COMPONENT_KIND_LABELS,
    LEVEL_LABELS,
    ONLINE_LEVEL_LABELS,
    describe_time_limit,
)
from app.documents.qr import lookup_qr_svg
from app.dossiers.logic import STATUS_LABELS, Channel
from app.integrations.config import provider as integration_provider
from app.settings import get_settings

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent.parent.parent / "static"


@cache
def asset_url(path: str) -> str:
    """/static/<path>?v=<content hash>: static files are cached for a long time (2G users
    pay for every byte), and a new deploy changes the hash, so nobody keeps a stale copy."""
    try:
        digest = hashlib.sha256((STATIC_DIR / path).read_bytes()).hexdigest()[:10]
    except FileNotFoundError:
        digest = "missing"
    return f"/static/{path}?v={digest}"


def _configure(engine: JinjaTemplateEngine) -> None:
    env = engine.engine
    env.filters.update(
        date=formatting.format_date,
        datetime=formatting.format_datetime,
        money=formatting.format_money,
        number=formatting.format_number,
        status_label=lambda value: STATUS_LABELS.get(value, str(value)),
        channel_label=lambda value: Channel(value).label,
        role_label=lambda value: ROLE_LABELS.get(value, value),
        time_limit=lambda procedure: describe_time_limit(
            procedure["time_limit_amount"], procedure["time_limit_unit"]
        ),
    )
    env.globals.update(
        asset=asset_url,
        province_name=get_settings().province_name,
        online_level_labels=ONLINE_LEVEL_LABELS,
        level_labels=LEVEL_LABELS,
        component_kind_labels=COMPONENT_KIND_LABELS,
        lookup_qr=lookup_qr_svg,  # lookup_qr(request.base_url, code): QR opening /tra-cuu
        national_sign_in=lambda: bool(integration_provider("vneid")),  # VNeID button
    )
    env.trim_blocks = True
    env.lstrip_blocks = True


@cache
def offline_engine() -> JinjaTemplateEngine:
    """The same templates and filters outside a request (worker jobs rendering PDFs);
    `url_for` and `csrf_input` are absent, so only print layouts may be rendered."""
    engine = JinjaTemplateEngine(directory=TEMPLATES_DIR)
    _configure(engine)
    return engine


def template_config() -> TemplateConfig:
    return TemplateConfig(
        directory=TEMPLATES_DIR, engine=JinjaTemplateEngine, engine_callback=_configure
    )
