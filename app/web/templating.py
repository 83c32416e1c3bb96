"""Jinja setup: Vietnamese formatting filters and labels shared by every template."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from jinja2 import pass_context
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
from app.files.logic import MAX_DOSSIER_BYTES, MAX_FILE_BYTES
from app.integrations.config import provider as integration_provider
from app.portal.lookup_view import LookupView
from app.settings import get_settings
from app.web.auth import session_ends_soon
from app.web.chrome import Chrome
from app.web.forms import field_limit
from app.web.kept_forms import restore as kept_form
from app.web.template_engine import TemplateEngine

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


# Litestar's url_for walks the route index on every call (a fifth of the home page's time);
# routes are fixed once the app is built, so each (name, parameters) is reversed once.
URL_CACHE_SIZE = 20_000


def _remembered_url_for(reversed_urls: dict):
    @pass_context
    def url_for(context, route_name: str, **path_parameters) -> str:
        key = (route_name, *sorted(path_parameters.items()))
        try:
            return reversed_urls[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable parameter: reverse it every time
            return context["request"].app.route_reverse(route_name, **path_parameters)
        url = context["request"].app.route_reverse(route_name, **path_parameters)
        if len(reversed_urls) >= URL_CACHE_SIZE:
            reversed_urls.clear()
        reversed_urls[key] = url
        return url

    return url_for


def _configure(engine: TemplateEngine) -> None:
    env = engine.engine
    # Compiled templates stay cached; checking each file's mtime on every render is for
    # template authors (MOTCUA_DEBUG=1), not for a server in service.
    env.auto_reload = get_settings().debug
    env.filters.update(
        date=formatting.format_date,
        datetime=formatting.format_datetime,
        money=formatting.format_money,
        number=formatting.format_number,
        code=formatting.code_breaks,
        status_label=lambda value: STATUS_LABELS.get(value, str(value)),
        channel_label=lambda value: Channel(value).label,
        role_label=lambda value: ROLE_LABELS.get(value, value),
        time_limit=lambda procedure: describe_time_limit(
            procedure["time_limit_amount"], procedure["time_limit_unit"]
        ),
    )
    env.globals.update(
        url_for=_remembered_url_for({}),  # one cache per app: its routes
        asset=asset_url,
        chrome=Chrome(env),  # base.html's header and footer, rendered once per role
        lookup_view=LookupView(env),  # the lookup's found dossier and form, drawn in Python
        province_name=get_settings().province_name,
        online_level_labels=ONLINE_LEVEL_LABELS,
        level_labels=LEVEL_LABELS,
        component_kind_labels=COMPONENT_KIND_LABELS,
        lookup_qr=lookup_qr_svg,  # lookup_qr(code): QR opening /tra-cuu at the public URL
        national_sign_in=lambda: bool(integration_provider("vneid")),  # VNeID button
        upload_limits={"file_mb": MAX_FILE_BYTES // 2**20, "dossier_mb": MAX_DOSSIER_BYTES // 2**20,
                       "file_bytes": MAX_FILE_BYTES},
        field_limit=field_limit,  # maxlength of a field, the limit read_form enforces
        kept_form=kept_form,  # kept_form(request): a refused form sent back to its page
        session_ends_soon=session_ends_soon,  # session_ends_soon(user): end time or None
        # seconds_until(moment): by the server's clock, so a phone set to the wrong time
        # still counts down the right minutes
        seconds_until=lambda moment: max(0, int((moment - formatting.now_utc()).total_seconds())),
    )
    env.trim_blocks = True
    env.lstrip_blocks = True


@cache
def offline_engine() -> TemplateEngine:
    """The same templates and filters outside a request (worker jobs rendering PDFs);
    `url_for` and `csrf_input` are absent, so only print layouts may be rendered."""
    engine = TemplateEngine(directory=TEMPLATES_DIR)
    _configure(engine)
    return engine


def template_config() -> TemplateConfig:
    return TemplateConfig(
        directory=TEMPLATES_DIR, engine=TemplateEngine, engine_callback=_configure
    )
