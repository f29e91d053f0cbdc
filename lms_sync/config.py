"""Settings of lms-sync: `lms-sync.toml` validated by pydantic, with `LMS_SYNC_*` environment overrides.

The Moodle token is a `SecretStr` (read from the file, `token_file` or the environment) and is never printed.
"""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator

from lms_sync.limits import MAX_MONTHS
from lms_sync.redaction import RedactedError, register_secret, register_url_password
from lms_sync.token_file import TokenFileProblem, read_token_file

DEFAULT_CONFIG_PATH = Path("lms-sync.toml")

ENV_OVERRIDES = {
    "LMS_SYNC_MOODLE_URL": ("moodle", "url"),
    "LMS_SYNC_MOODLE_TOKEN": ("moodle", "token"),
    "LMS_SYNC_MOODLE_TOKEN_FILE": ("moodle", "token_file"),
    "LMS_SYNC_RECORDS_URL": ("records", "url"),
    "LMS_SYNC_CATALOGUE": ("catalogue", "path"),
}


class ConfigError(RedactedError):
    """An invalid configuration: the message names the file, the key, the bad value and the fix (never a secret)."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class MoodleSettings(_Section):
    url: str = ""
    token: SecretStr | None = None
    token_file: Path | None = None
    allow_insecure_http: bool = False
    connect_timeout_seconds: float = Field(10.0, gt=0)
    read_timeout_seconds: float = Field(60.0, gt=0)
    request_deadline_seconds: float = Field(120.0, gt=0, description="the longest one request may take in all "
                                                                      "(connect, send, every byte of the answer)")
    retry_budget_seconds: float = Field(300.0, gt=0, description="the longest one call may take, retries included")
    retries: int = Field(4, ge=0, le=20)
    backoff_seconds: float = Field(0.5, ge=0)
    max_backoff_seconds: float = Field(30.0, ge=0, description="the longest wait between two tries, Retry-After included")
    concurrency: int = Field(6, ge=1, le=64)
    max_form_fields: int = Field(4000, ge=50)
    batch_reads: bool = True

    @field_validator("url")
    @classmethod
    def _url_shape(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and urlsplit(value).scheme not in ("http", "https"):
            raise ValueError("must start with https:// (for example https://moodle.example.org)")
        if value.endswith("/webservice/rest/server.php"):
            raise ValueError("give the site's base address, without /webservice/rest/server.php")
        return value

    @model_validator(mode="after")
    def _https_unless_loopback(self) -> MoodleSettings:
        parts = urlsplit(self.url)
        if parts.scheme == "http" and not self.allow_insecure_http and not _is_loopback(parts.hostname or ""):
            raise ValueError(
                f"url {self.url!r} uses plain http, which would send the token unencrypted: "
                "use https://, or set allow_insecure_http = true for a test site"
            )
        return self

    def resolved_token(self) -> SecretStr | None:
        """The token from `token` (trimmed), else the first non-comment line of `token_file`."""
        if self.token is not None and self.token.get_secret_value().strip():
            return SecretStr(self.token.get_secret_value().strip())
        if self.token_file is None:
            return None
        try:
            return SecretStr(read_token_file(self.token_file))
        except TokenFileProblem as problem:
            raise ConfigError(str(problem)) from None


class RecordsSettings(_Section):
    url: str = "sqlite:///lms-sync.db"
    retention_months: int = Field(0, ge=0, le=MAX_MONTHS, description="purge personal data of runs older than this; "
                                                                 "0 keeps it")

    @field_validator("url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        value = value.strip()
        if not re.fullmatch(r"sqlite:///.+|sqlite://|postgresql(\+psycopg)?://\S+", value):
            raise ValueError("is not a records database URL: use sqlite:///path/to/records.db or "
                             "postgresql+psycopg://user@host/database (the password in the URL or ~/.pgpass)")
        return value


DEFAULT_TIMEZONE = ZoneInfo("Europe/Berlin")


class CatalogueSettings(_Section):
    path: Path = Path("catalogue")
    templates_dir: Path = Path("course_templates")
    timezone: str = DEFAULT_TIMEZONE.key
    active_days_before_start: int = Field(30, ge=0)
    active_days_after_end: int = Field(90, ge=0)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("is not a known IANA time zone (for example Europe/Berlin)") from None
        return value


class PushSettings(_Section):
    create_missing_users: bool = False
    auth: str = "manual"
    idnumber_prefix: str = "lms-sync-"
    student_role_id: int = Field(5, ge=1)
    teacher_role_id: int = Field(3, ge=1)
    competency_scale_id: int | None = Field(None, ge=1, description="overrides the framework file's moodle_scale_id")
    import_concurrency: int = Field(3, ge=0, le=16, description="blueprint imports in flight at once beside the rest; "
                                    "0: one after another, nothing beside them")


SyncStep = Literal["check", "push", "pull"]


class SyncSettings(_Section):
    steps: list[SyncStep] = Field(["check", "push", "pull"],
                                  description="the steps `lms-sync sync` runs (always in the order check, push, pull)")


class ReportSettings(_Section):
    min_responses: int = Field(3, ge=1, description="evaluation results of fewer answers are withheld, so that no "
                                                     "answer can be traced to a person")


class Settings(_Section):
    moodle: MoodleSettings = MoodleSettings()
    records: RecordsSettings = RecordsSettings()
    catalogue: CatalogueSettings = CatalogueSettings()
    push: PushSettings = PushSettings()
    sync: SyncSettings = SyncSettings()
    reports: ReportSettings = ReportSettings()
    source: Path | None = Field(None, exclude=True)

    def base_dir(self) -> Path:
        return self.source.parent if self.source else Path.cwd()


def _with_env_overrides(data: dict[str, Any], environ: dict[str, str]) -> dict[str, Any]:
    for variable, (section, key) in ENV_OVERRIDES.items():
        if environ.get(variable):
            data.setdefault(section, {})[key] = environ[variable]
    return data


def _resolve_relative_paths(settings: Settings) -> Settings:
    base = settings.base_dir()
    catalogue = settings.catalogue
    catalogue.path = base / catalogue.path
    catalogue.templates_dir = base / catalogue.templates_dir
    if settings.moodle.token_file is not None:
        settings.moodle.token_file = base / settings.moodle.token_file
    if settings.records.url.startswith("sqlite:///") and not settings.records.url.startswith("sqlite:////"):
        relative = settings.records.url.removeprefix("sqlite:///")
        settings.records.url = f"sqlite:///{(base / relative).resolve()}"
    return settings


def _describe(error: Mapping[str, Any], source: str) -> str:
    key = ".".join(str(part) for part in error["loc"])
    value = error.get("input")
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        return f"{source}: unknown key {key!r}; check its spelling against `lms-sync init`'s starter config"
    if isinstance(value, SecretStr):
        value = "**********"
    if isinstance(value, dict) or not key:
        return f"{source}: {key or 'settings'}: {message}"
    return f"{source}: {key} = {value!r}: {message}"


def _register_secrets(data: Mapping[str, Any], environ: Mapping[str, str]) -> None:
    """Register every secret the settings may hold before any of them can reach a message."""
    moodle, records = (data[name] if isinstance(data.get(name), dict) else {} for name in ("moodle", "records"))
    for token in (moodle.get("token"), environ.get("LMS_SYNC_MOODLE_TOKEN")):
        register_secret(token if isinstance(token, str) else None)
    for url in (moodle.get("url"), records.get("url"), environ.get("LMS_SYNC_MOODLE_URL"),
                environ.get("LMS_SYNC_RECORDS_URL")):
        register_url_password(url if isinstance(url, str) else None)


def load_settings(path: Path | None = None, environ: dict[str, str] | None = None) -> Settings:
    """Read `path` (default ./lms-sync.toml, optional) and the environment into validated `Settings`."""
    environ = dict(os.environ) if environ is None else environ
    explicit = path is not None
    path = path or DEFAULT_CONFIG_PATH
    _register_secrets({}, environ)
    data: dict[str, Any] = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}; fix the syntax at that line") from None
        except UnicodeDecodeError:
            raise ConfigError(f"{path}: not UTF-8 text; save it as UTF-8") from None
    elif explicit:
        raise ConfigError(f"{path}: no such config file; create one with `lms-sync init {path}`")
    source = str(path) if path.exists() else "environment"
    _register_secrets(data, environ)
    try:
        settings = Settings.model_validate(_with_env_overrides(data, environ))
    except ValidationError as exc:
        raise ConfigError("; ".join(_describe(error, source) for error in exc.errors())) from None
    settings.source = path.resolve() if path.exists() else None
    return _resolve_relative_paths(settings)
