"""One Settings object, read from INCIDENTS_* environment variables (and a .env file if present)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INCIDENTS_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///./var/incidents.db"
    data_dir: Path = Path("./var")
    timezone: str = "Asia/Tokyo"
    default_locale: str = "ja"
    secret_key: str = ""
    cookie_secure: bool = False  # set true behind HTTPS
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
    oidc_client_secret: str = ""
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
    scim_token: str = ""

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

    # Regimes (issue 16): which duties apply besides the PPC's (incidents/regimes/catalogue.py):
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
    smtp_password: str = ""
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

    # Intake: reading the sent mail. Domains separated by commas or spaces; more can be kept
    # in the database (`incidents intake domains add`) and in the address book.
    intake_own_domains: str = ""
    intake_partner_domains: str = ""
    intake_max_bytes: int = 25 * 1024 * 1024
    intake_max_recipients: int = 50_000
    intake_max_parts: int = 1_000
    intake_mass_mail_threshold: int = 10  # visible external addresses that make a mass mail

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def resolved_secret_key(self) -> str:
        """The configured secret, or one generated once and kept in the data directory (never in the repo)."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()


@lru_cache
def get_settings() -> Settings:
    return Settings()
