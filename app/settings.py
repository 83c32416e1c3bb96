"""Typed settings, read once from the environment.

Every value has a safe default so `make run` works on a fresh machine; production
overrides them with environment variables (see README). Data lives under `var/`.
"""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass, field
from datetime import time
from functools import cached_property, lru_cache
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    return os.environ.get(f"MOTCUA_{name}", default)


def _env_bool(name: str, default: bool) -> bool:
    return _env(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


def _env_time(name: str, default: time) -> time:
    """A local time of day ("HH:MM"); a value that is not one keeps the default, with an
    error in the log rather than a worker that never starts."""
    value = _env(name, "").strip()
    if not value:
        return default
    try:
        return time.fromisoformat(value)
    except ValueError:
        logging.getLogger(__name__).error("MOTCUA_%s=%r is not a time of day (HH:MM); "
                                          "using %s", name, value, default.strftime("%H:%M"))
        return default


@dataclass(frozen=True)
class Settings:
    var_dir: Path
    database_path: Path
    huey_path: Path
    # `sqlite:///<database_path>` unless MOTCUA_DATABASE_URL names another (postgresql://…).
    database_url: str
    # Empty: Huey on its SQLite file (huey_path); `redis://…`: PriorityRedisHuey.
    huey_url: str
    files_dir: Path
    replica_dir: Path
    # Empty: files in files_dir; `s3://bucket/prefix`: an S3-compatible bucket (app.files).
    files_url: str
    secret_key_path: Path
    timezone: str = "Asia/Ho_Chi_Minh"
    province_name: str = "Quảng Ngãi"
    # The address people and gateways reach us at: every absolute URL (payment callbacks
    # and returns, QR codes, SMS and e-mail links) is built from it, never from the Host
    # header; requests naming another host are refused (app.web.hosts).
    public_url: str = "http://127.0.0.1:8000"
    extra_hosts: tuple[str, ...] = ()
    https: bool = False
    allow_sandbox_in_production: bool = False  # see app.system.production
    debug: bool = False
    busy_timeout_ms: int = 5000
    session_days: int = 14
    # Reports and housekeeping (app.reports, app.tasks.housekeeping).
    report_cutoff_day: int = 15  # monthly period: 15th of last month -> 14th (ND 09/2019)
    draft_abandon_days: int = 30  # unsent online drafts older than this are purged
    job_keep_days: int = 30  # succeeded job rows kept this long
    file_sample_size: int = 200  # stored files re-hashed each night (all of them weekly)
    s3_endpoint: str = ""  # MOTCUA_S3_ENDPOINT: the S3-compatible store's URL (MinIO, …)
    # Empty: the archive in archive_dir, or beside the files' bucket (app.archive.storage).
    archive_url: str = ""
    # Files no row names are swept only once this old: an upload in flight on another
    # machine is written before its row commits (app.files.store.sweep_orphans).
    orphan_min_age_hours: int = 24
    # Calendar changes: applicants whose appointment moved are told from this local time of
    # the day on (app.calendar.due_notices), so a change undone the same day tells nobody.
    due_notice_time: time = time(16, 30)
    # Benchmarks only (bench/load.py): source addresses the lookup limiter neither refuses
    # nor counts, so a load of lookups measures lookups. Refused with MOTCUA_HTTPS=1.
    bench_exempt_addresses: frozenset[str] = frozenset()
    # Tests only: the cheapest argon2 parameters (app.accounts.passwords). Refused with
    # MOTCUA_HTTPS=1.
    cheap_password_hashes: bool = False
    _secret: list[str] = field(default_factory=list, repr=False)

    @cached_property  # asked on every request (app.web.hosts); settings never change
    def allowed_hosts(self) -> frozenset[str]:
        """Host names served: the public URL's, loopback names (health checks on the VM) and
        MOTCUA_ALLOWED_HOSTS (comma-separated, e.g. a name the reverse proxy uses)."""
        public = (urlsplit(self.public_url).hostname or "").lower()
        return frozenset({public, "localhost", "127.0.0.1", "::1", *self.extra_hosts} - {""})

    @property
    def files_replica_dir(self) -> Path:
        """Where `python -m app files backup` copies uploaded files (next to the DB replica)."""
        return Path(_env("FILES_REPLICA_DIR", str(self.replica_dir / "files")))

    @property
    def archive_dir(self) -> Path:
        """Archival files and hand-over packages (app.archive.storage), apart from the
        content-addressed store: a mounted archive disk in production."""
        return Path(_env("ARCHIVE_DIR", str(self.var_dir / "archive")))

    @property
    def secret_key(self) -> str:
        """The signing key, generated on first use and kept in var/ with mode 0600."""
        if not self._secret:
            self._secret.append(load_or_create_secret(self.secret_key_path))
        return self._secret[0]


def load_or_create_secret(path: Path) -> str:
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # O_EXCL: two processes starting at once must not overwrite each other's key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key


def province_name_file(var_dir: Path) -> Path:
    """Written by `python -m app init`; `MOTCUA_PROVINCE_NAME` overrides it."""
    return var_dir / "province_name"


def _stored_province_name(var_dir: Path) -> str:
    path = province_name_file(var_dir)
    return path.read_text(encoding="utf-8").strip() if path.exists() else "Quảng Ngãi"


def load_settings() -> Settings:
    var_dir = Path(_env("VAR_DIR", str(ROOT / "var"))).resolve()
    return Settings(
        var_dir=var_dir,
        database_path=(database_path := Path(_env("DATABASE", str(var_dir / "motcua.db")))),
        database_url=_env("DATABASE_URL", "") or f"sqlite:///{database_path}",
        huey_path=Path(_env("HUEY_DATABASE", str(var_dir / "huey.db"))),
        huey_url=_env("HUEY_URL", ""),
        files_dir=Path(_env("FILES_DIR", str(var_dir / "files"))),
        replica_dir=Path(_env("REPLICA_DIR", str(var_dir / "replica"))),
        files_url=_env("FILES_URL", "").strip(),
        s3_endpoint=_env("S3_ENDPOINT", "").strip(),
        archive_url=_env("ARCHIVE_URL", "").strip(),
        orphan_min_age_hours=int(_env("ORPHAN_MIN_AGE_HOURS", "24")),
        secret_key_path=Path(_env("SECRET_KEY_FILE", str(var_dir / "secret_key"))),
        province_name=_env("PROVINCE_NAME", _stored_province_name(var_dir)),
        public_url=_env("PUBLIC_URL", "http://127.0.0.1:8000").strip().rstrip("/"),
        extra_hosts=tuple(h.strip().lower().rstrip(".") for h in
                          _env("ALLOWED_HOSTS", "").split(",") if h.strip()),
        https=_env_bool("HTTPS", False),
        allow_sandbox_in_production=_env_bool("ALLOW_SANDBOX_IN_PRODUCTION", False),
        debug=_env_bool("DEBUG", False),
        report_cutoff_day=int(_env("REPORT_CUTOFF_DAY", "15")),
        draft_abandon_days=int(_env("DRAFT_ABANDON_DAYS", "30")),
        due_notice_time=_env_time("DUE_NOTICE_TIME", time(16, 30)),
        bench_exempt_addresses=frozenset(a.strip() for a in
                                         _env("BENCH_EXEMPT_ADDRESSES", "").split(",")
                                         if a.strip()),
        cheap_password_hashes=_env_bool("CHEAP_PASSWORD_HASHES", False),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
