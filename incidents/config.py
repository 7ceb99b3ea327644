"""One Settings object, read from INCIDENTS_* environment variables.

Where things live never depends on the folder a command runs in: the SQLite database (unless
INCIDENTS_DATABASE_URL names another), the generated secret key and generated files are kept in one data
directory, INCIDENTS_DATA_DIR, by default the platform's user data directory (on Linux
$XDG_DATA_HOME/incidents, else ~/.local/share/incidents). A relative INCIDENTS_DATA_DIR is refused.

Every secret setting can also be read from a file, the way container platforms and systemd hand secrets over:
INCIDENTS_<NAME>_FILE=/run/secrets/... (the file's content, without its final line break). Giving a secret both
ways is refused.

INCIDENTS_ENV=production is the production mode: the service refuses to start without a configured secret key
(it never generates one), and session cookies are Secure unless INCIDENTS_COOKIE_SECURE says otherwise.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

import platformdirs
from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from incidents.errors import ConfigError

APP_NAME = "incidents"
ENV_PREFIX = "INCIDENTS_"


class _FromFile:
    """Marks a secret setting: it may come from INCIDENTS_<NAME>_FILE."""

    def __repr__(self) -> str:
        return "secret"


SECRET = _FromFile()
Secret = Annotated[str, SECRET]  # a secret setting: `my_token: Secret = ""` (also read from INCIDENTS_MY_TOKEN_FILE)


def default_data_dir() -> Path:
    """The platform's user data directory for this application (never the working directory)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    env: Literal["development", "production"] = "development"
    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: Secret = ""  # empty: the SQLite file <data_dir>/incidents.db
    timezone: str = "Asia/Tokyo"
    default_locale: str = "ja"
    secret_key: Secret = ""  # empty: generated once into <data_dir>/secret_key (never in production)
    cookie_secure: bool | None = None  # Secure cookies (behind HTTPS); default: true in production only
    # The audit chain's key (HMAC), never stored in the database; empty: derived from the secret key.
    # A previous key lets `incidents audit rekey` move a chain to a new key.
    audit_key: Secret = ""
    audit_previous_key: Secret = ""
    # Retention: an incident closed this many years ago is purged by `incidents purge` (0 = kept forever)
    retention_years: int = 0
    hsts_max_age: int = 0  # seconds of Strict-Transport-Security (e.g. 31536000 behind HTTPS); 0 = no header
    session_max_age_s: int = 12 * 3600  # absolute: a session ends this long after sign-in, however busy
    session_idle_s: int = 2 * 3600  # idle: a session unused this long ends

    # Sign-in: throttling (a limiter's "N per period"), password policy, second factor
    login_failures_per_account: str = "10 per 15 minutes"
    login_failures_per_address: str = "50 per 15 minutes"
    ratelimit_storage_uri: str = "memory://"  # e.g. redis://host:6379 when several processes serve the app
    password_min_length: int = 8
    password_check_breached: bool = True  # refuse the 100,000 passwords most seen in breaches
    password_login_enabled: bool = True  # an administrator may leave single sign-on as the only door
    mfa_required_roles: str = ""  # e.g. "officer,admin": these must use a second factor with a password

    # Single sign-on (OpenID Connect, authorization code + PKCE). Empty issuer = no single sign-on.
    oidc_issuer: str = ""  # e.g. https://login.microsoftonline.com/<tenant>/v2.0 (discovery is read from it)
    oidc_client_id: str = ""
    oidc_client_secret: Secret = ""
    oidc_scopes: str = "openid email profile"
    oidc_email_claim: str = "email"
    oidc_name_claim: str = "name"
    oidc_groups_claim: str = ""  # e.g. "groups"; empty = roles are not taken from the provider
    oidc_department_claim: str = ""  # e.g. "department"
    oidc_manager_claim: str = ""  # a claim holding the manager's e-mail address
    oidc_unknown_users: str = "refuse"  # refuse | create (as employee, or the roles their groups map to)
    oidc_default_department: str = "未所属"  # for people created at first sign-in without a department claim
    oidc_timeout_s: float = 10.0
    # Group -> role mapping for single sign-on and SCIM, e.g. "incident-officers=officer,managers=manager"
    group_roles: str = ""

    # SCIM 2.0 (/scim/v2): the bearer token the identity provider sends. Empty = SCIM is off.
    scim_token: Secret = ""

    # Limits on what one request may carry
    max_request_bytes: int = 16 * 1024 * 1024
    max_upload_bytes: int = 25 * 1024 * 1024
    max_recipients_per_request: int = 100_000
    max_page_size: int = 500

    # Organisation (letterhead, notifications)
    org_name: str = "株式会社サンプル"
    org_name_en: str = "Sample Co., Ltd."
    org_kind: str = "company"  # incidents/organisation.py: company | university | hospital | municipality | ...
    org_self_ja: str = ""  # overrides the self-reference (弊社, 本学, 当院, 本市...)
    org_self_en: str = ""
    org_representative: str = ""  # 代表者の氏名 (the PPC form)
    org_corporate_number: str = ""  # 法人番号 (13 digits)
    org_industry: str = ""  # 業種 (the PPC form and the P-mark report), e.g. 小売業
    base_url: str = "http://127.0.0.1:8000"

    # Regimes: which duties apply besides the PPC's (incidents/regimes/catalogue.py):
    # comma-separated appi, gdpr, pmark, fsa, meti, mic, accredited, local_gov
    regimes: str = "appi,gdpr"
    regimes_fsa_batch: bool = False  # the industry association accepts minor misdeliveries quarterly
    regimes_accredited_body: str = ""  # the name of the 認定個人情報保護団体 the organisation belongs to

    # Documents: letterhead, signer, logo, per-organisation template overrides
    documents_org_department: str = ""
    documents_org_postal_code: str = ""
    documents_org_address: str = ""
    documents_org_address_en: str = ""
    documents_org_phone: str = ""
    documents_org_email: str = ""
    documents_contact_desk: str = ""
    documents_contact_desk_en: str = ""
    documents_contact_hours: str = ""
    documents_signer_name: str = ""
    documents_signer_name_en: str = ""
    documents_signer_title: str = ""
    documents_signer_title_en: str = ""
    documents_logo: Path | None = None  # an image file; the only file besides ours a document may load
    documents_template_dir: Path | None = None  # overrides: <dir>/ja/<kind>.html, <dir>/document.css
    documents_era_dates: bool = False  # 令和7年6月20日 instead of 2025年6月20日
    documents_readers: str = ""  # customers | students | patients | members | residents | guardians | staff | general
    documents_org_department_en: str = ""
    documents_contact_hours_en: str = ""
    documents_return_days: int = 14  # the deletion form asks for its return within this many days
    documents_org_fax: str = ""  # printed as a return channel on the deletion form when set
    documents_workers: int = 2  # worker processes for bulk letters

    # Password hashing cost (argon2id); lowered only by the test suite
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536

    # Mail (notifications)
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_starttls: bool = False
    smtp_ssl: bool = False
    smtp_username: str = ""
    smtp_password: Secret = ""
    mail_from: str = "incidents@localhost"
    webhook_urls: list[str] = Field(default_factory=list)

    # Response: step durations counted from discovery (ISO 8601 like PT2H or P3D, or seconds);
    # None = the default in incidents/response/playbook_rules.py (rules as data, with their sources)
    response_due_first_report: timedelta | None = None
    response_due_decision: timedelta | None = None
    response_due_containment: timedelta | None = None
    response_due_deletion: timedelta | None = None
    response_due_apology: timedelta | None = None
    response_due_assessment: timedelta | None = None
    response_due_preliminary_report_target: timedelta | None = None
    response_due_preliminary_report_limit: timedelta | None = None
    response_due_final_report: timedelta | None = None
    response_due_final_report_improper_purpose: timedelta | None = None
    response_due_notify_individuals: timedelta | None = None
    response_due_gdpr_authority: timedelta | None = None
    response_due_gdpr_individuals: timedelta | None = None
    response_due_public_announcement: timedelta | None = None
    response_due_root_cause: timedelta | None = None
    response_due_countermeasures: timedelta | None = None
    response_due_nearmiss: timedelta | None = None
    response_reminders_before: list[timedelta] | None = None  # default 24 h and 1 h before the due time
    response_escalate_officers_after: timedelta | None = None  # default 24 h after the due time
    response_public_announcement_threshold: int | None = None  # default: more than 1,000 people
    # The scheduler process (`incidents scheduler`) and the delivery outbox
    scheduler_interval_seconds: float = 10.0
    notify_lease_seconds: float = 300.0  # a claimed delivery is retried by another process after this
    notify_retry_base_seconds: float = 30.0
    notify_max_attempts: int = 8
    # Background jobs (`incidents worker`): a claimed job is taken over by another worker when its lease
    # has not been renewed for this long (the worker renews it every quarter of it while it runs)
    jobs_lease_seconds: float = 60.0
    jobs_poll_seconds: float = 2.0  # how often an idle worker looks for due jobs
    jobs_max_attempts: int = 5  # claims before a job whose workers keep dying is marked failed

    # Intake: reading the sent mail. Domains separated by commas or spaces; more can be kept
    # in the database (`incidents intake domains add`) and in the address book.
    intake_own_domains: str = ""
    intake_partner_domains: str = ""
    intake_max_bytes: int = 25 * 1024 * 1024
    intake_max_recipients: int = 50_000
    intake_max_parts: int = 1_000
    intake_mass_mail_threshold: int = 10  # visible external addresses that make a mass mail

    # Online deletion confirmations ({base_url}/c/<token>): link lifetime, reminders, rate limits
    confirm_link_days: int = 30  # a confirmation link expires this many days after it was mailed
    confirm_reminder_days: float = 7.0  # a reminder goes to those who have not answered after this many days
    confirm_reminders_max: int = 2  # at most this many reminders per request
    confirm_rate_per_address: str = "300 per minute"  # per network address (a campus behind one NAT)
    confirm_rate_per_token: str = "30 per minute"

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                   file_secret_settings):
        return init_settings, env_settings, SecretFiles(settings_cls)

    @field_validator("data_dir", mode="after")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        value = value.expanduser()
        if not value.is_absolute():
            raise ValueError("must be an absolute path (a relative one would change with the folder a command "
                             "runs in)")
        return value

    @model_validator(mode="after")
    def _derived(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'incidents.db'}"
        if self.cookie_secure is None:
            self.cookie_secure = self.production
        return self

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def resolved_secret_key(self) -> str:
        """The configured secret; outside production, one generated once and kept in the data directory."""
        if self.secret_key:
            return self.secret_key
        if self.production:
            raise ConfigError("no secret key is configured, and production mode never generates one: set "
                              "INCIDENTS_SECRET_KEY or INCIDENTS_SECRET_KEY_FILE")
        path = self.data_dir / "secret_key"
        try:
            return path.read_text().strip() or _new_secret(path)
        except FileNotFoundError:
            return _new_secret(path)

    def startup_problems(self) -> list[ConfigError]:
        """What stops the service from starting (empty when it may start)."""
        problems = []
        if self.production and not self.secret_key:
            problems.append(ConfigError("production mode needs a configured secret key: set INCIDENTS_SECRET_KEY "
                                        "or INCIDENTS_SECRET_KEY_FILE", "secret_key_missing"))
        return problems


def _new_secret(path: Path) -> str:
    """Create the secret key file once; when two processes start together, both read the one that won."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


class SecretFiles(PydanticBaseSettingsSource):
    """INCIDENTS_<NAME>_FILE for every secret setting: the value is the file's content."""

    def get_field_value(self, field, field_name):  # unused: __call__ reads every secret at once
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        env = {k.upper(): v for k, v in os.environ.items()}
        for name, field in self.settings_cls.model_fields.items():
            if SECRET not in field.metadata:
                continue
            var = f"{ENV_PREFIX}{name.upper()}"
            path = env.get(f"{var}_FILE")
            if not path:
                continue
            if env.get(var):
                raise ConfigError("%(var)s and %(var)s_FILE are both set: keep one", var=var)
            try:
                out[name] = Path(path).expanduser().read_text(encoding="utf-8").rstrip("\r\n")
            except (OSError, UnicodeDecodeError) as exc:
                raise ConfigError("%(var)s_FILE: cannot read %(path)s (%(why)s)", var=var, path=path,
                                  why=getattr(exc, "strerror", None) or type(exc).__name__) from None
        return out


def secret_settings() -> list[str]:
    """The names of the settings that may come from a file (INCIDENTS_<NAME>_FILE)."""
    return [name for name, field in Settings.model_fields.items() if SECRET in field.metadata]


@lru_cache
def get_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        err = exc.errors()[0]
        name = ENV_PREFIX + "_".join(str(x) for x in err["loc"]).upper()
        raise ConfigError("%(var)s: %(problem)s", var=name, problem=err["msg"]) from None


def check_startup() -> Settings:
    """The settings, if the service may start with them; ConfigError (one line) otherwise."""
    settings = get_settings()
    problems = settings.startup_problems()
    if problems:
        raise problems[0]
    return settings
