"""create_app(): plugins, routes, templates, static files and middleware in one place."""

from __future__ import annotations

import gc
import logging

from litestar import Litestar
from litestar.config.compression import CompressionConfig
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import CacheControlHeader
from litestar.exceptions import HTTPException
from litestar.logging import LoggingConfig
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import YamlRenderPlugin
from litestar.plugins.htmx import HTMXPlugin
from litestar.static_files import create_static_files_router

import piccolo_conf  # noqa: F401  (registers the database engine)
from app.lean_imports import UNUSED_BY_HANDLERS, absent
from app.routes import CONTROLLERS
from app.settings import get_settings
from app.system import production
from app.web.auth import SessionAuthMiddleware
from app.web.compression import OneShotGzipMiddleware
from app.web.csrf import AsciiCSRFMiddleware
from app.web.errors import http_error, internal_error
from app.web.headers import security_headers
from app.web.hosts import allowed_hosts_middleware
from app.web.ids import ids_in_range
from app.web.templating import STATIC_DIR, template_config

STATIC_CACHE = CacheControlHeader(max_age=30 * 86400, public=True)  # URLs carry a content hash
# Chosen by bench/gzip_levels.py: level 4 is the smallest with level 9's bytes on our pages
# (within 1 %); levels 1-3 save ~12 µs a page for ~5 % more bytes (bench/RESULTS.md).
GZIP_LEVEL = 4


def freeze_startup_objects() -> None:
    """Move everything alive after start-up (modules, routes, compiled templates: ~170,000
    objects) out of the collector's reach: a full collection then takes under a millisecond
    instead of ~80 ms, a pause every few thousand requests (bench/RESULTS.md). Once per
    process: a test run starts hundreds of apps."""
    if gc.get_freeze_count():
        return
    gc.collect()
    gc.freeze()


def create_app() -> Litestar:
    settings = get_settings()
    production.check(settings)
    # Litestar adds its pydantic plugins whenever pydantic imports; no handler uses it.
    with absent(UNUSED_BY_HANDLERS):
        return Litestar(
            route_handlers=[
                *CONTROLLERS,
                create_static_files_router(path="/static", directories=[STATIC_DIR],
                                           name="static", opt={"exclude_from_auth": True},
                                           cache_control=STATIC_CACHE),
            ],
            middleware=[
                allowed_hosts_middleware,
                DefineMiddleware(AsciiCSRFMiddleware, config=CSRFConfig(
                    secret=settings.secret_key, cookie_secure=settings.https,
                    cookie_httponly=True, cookie_name="motcua_csrf", exclude=["^/api/v1/"])),
                DefineMiddleware(SessionAuthMiddleware, exclude=["^/static/", "^/healthz"]),
            ],
            template_config=template_config(),
            # Schema documents only: the interactive UIs load scripts from CDNs, which the CSP
            # forbids and a provincial network may not reach.
            openapi_config=OpenAPIConfig(title="Một Cửa API", version="1",
                                         path="/api/schema", render_plugins=[YamlRenderPlugin()]),
            before_request=ids_in_range,
            before_send=[security_headers(settings.https)],
            plugins=[HTMXPlugin()],
            compression_config=CompressionConfig(backend="gzip", gzip_compress_level=GZIP_LEVEL,
                                                 middleware_class=OneShotGzipMiddleware),
            on_startup=[freeze_startup_objects],
            exception_handlers={HTTPException: http_error, Exception: internal_error},
            logging_config=LoggingConfig(
                root={"level": logging.getLevelName(logging.INFO), "handlers": ["queue_listener"]},
                log_exceptions="never",
            ),
            debug=settings.debug,
        )
