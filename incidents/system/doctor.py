"""`incidents doctor`: is this installation ready? Each check says what it found and, when something is wrong,
what to do about it, in the reader's language.

A check ends `ok`, `warn` (works, but not as it should in production), `fail` (something will not work) or `skip`
(not configured, and nothing needs it). Nothing is changed: no migration is run, no secret generated, no mail sent.
"""

from __future__ import annotations

import shutil
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from incidents.config import Settings
from incidents.i18n import LabelTable
from incidents.i18n import gettext as _

CHECKS = LabelTable("doctor_check", {
    "settings": "Settings", "database": "Database", "secret": "Secret key", "smtp": "Mail server (SMTP)",
    "oidc": "Single sign-on (OpenID Connect)", "fonts": "Japanese fonts for PDFs", "chromium": "Chromium",
    "timezone": "Time zone"})
STATUSES = LabelTable("doctor_status", {"ok": "OK", "warn": "Warning", "fail": "Problem", "skip": "Not configured"})
CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


@dataclass(frozen=True)
class Finding:
    check: str
    status: str  # ok | warn | fail | skip
    found: str  # what was found (translated)
    fix: str = ""  # what to do (translated), when status is warn or fail

    def as_dict(self) -> dict:
        return {"check": self.check, "label": CHECKS.label(self.check), "status": self.status,
                "status_label": STATUSES.label(self.status), "found": self.found, "fix": self.fix}


def _why(exc: BaseException) -> str:
    text = str(exc).splitlines()[0][:200] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def check_database(settings: Settings) -> Finding:
    from incidents import migrations

    where = settings.database_url.split("@")[-1]
    from sqlalchemy.engine import make_url

    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:" \
            and not Path(url.database).exists():
        return Finding("database", "fail", _("the database file %(path)s does not exist", path=url.database),
                       _("run `incidents db upgrade`"))
    try:
        missing = migrations.pending(settings.database_url)
    except Exception as exc:  # any driver error: the database cannot be reached or read
        return Finding("database", "fail", _("cannot reach the database %(where)s (%(why)s)", where=where, why=_why(exc)),
                       _("check INCIDENTS_DATABASE_URL, that the database server runs and that it accepts this user"))
    if missing:
        return Finding("database", "fail", _("the database %(where)s is not migrated (missing: %(names)s)", where=where,
                                             names=", ".join(sorted(missing))),
                       _("run `incidents db upgrade`"))
    return Finding("database", "ok", _("the database %(where)s is migrated", where=where))


def check_secret(settings: Settings) -> Finding:
    if settings.secret_key:
        if len(settings.secret_key) < 32:
            return Finding("secret", "warn", _("the secret key is short (%(n)s characters)", n=len(settings.secret_key)),
                           _("use at least 32 random characters, e.g. `openssl rand -hex 32`"))
        return Finding("secret", "ok", _("a secret key is configured"))
    if settings.production:
        return Finding("secret", "fail", _("production mode and no secret key: the service will not start"),
                       _("set INCIDENTS_SECRET_KEY or INCIDENTS_SECRET_KEY_FILE (e.g. `openssl rand -hex 32`)"))
    return Finding("secret", "warn", _("no secret key configured: one is generated into %(path)s",
                                       path=str(settings.data_dir / "secret_key")),
                   _("before production, set INCIDENTS_SECRET_KEY or INCIDENTS_SECRET_KEY_FILE"))


def check_smtp(settings: Settings) -> Finding:
    if not settings.smtp_host:
        return Finding("smtp", "warn", _("no mail server is configured: first reports and reminders are not mailed"),
                       _("set INCIDENTS_SMTP_HOST (and INCIDENTS_SMTP_PORT, INCIDENTS_SMTP_USERNAME, "
                         "INCIDENTS_SMTP_PASSWORD or INCIDENTS_SMTP_PASSWORD_FILE)"))
    where = f"{settings.smtp_host}:{settings.smtp_port}"
    timeout = 10
    try:
        if settings.smtp_ssl:
            client = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=timeout,
                                      context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
        with client:
            client.ehlo()
            if settings.smtp_starttls:
                client.starttls(context=ssl.create_default_context())
                client.ehlo()
            if settings.smtp_username:
                client.login(settings.smtp_username, settings.smtp_password)
            client.noop()
    except smtplib.SMTPAuthenticationError:
        return Finding("smtp", "fail", _("the mail server %(where)s refused the user name or password", where=where),
                       _("check INCIDENTS_SMTP_USERNAME and INCIDENTS_SMTP_PASSWORD"))
    except (OSError, smtplib.SMTPException) as exc:
        return Finding("smtp", "fail", _("cannot talk to the mail server %(where)s (%(why)s)", where=where, why=_why(exc)),
                       _("check INCIDENTS_SMTP_HOST and INCIDENTS_SMTP_PORT, and that this machine may reach it"))
    return Finding("smtp", "ok", _("the mail server %(where)s answers", where=where))


def check_oidc(settings: Settings) -> Finding:
    if not settings.oidc_issuer:
        return Finding("oidc", "skip", _("single sign-on is not configured (sign-in with passwords)"))
    import httpx

    url = settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration"
    if not settings.oidc_client_id:
        return Finding("oidc", "fail", _("an issuer is configured but no client"),
                       _("set INCIDENTS_OIDC_CLIENT_ID and INCIDENTS_OIDC_CLIENT_SECRET (or _FILE)"))
    try:
        response = httpx.get(url, timeout=settings.oidc_timeout_s, follow_redirects=False)
        response.raise_for_status()
        meta = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        return Finding("oidc", "fail", _("cannot read the provider's discovery document %(url)s (%(why)s)", url=url,
                                         why=_why(exc)),
                       _("check INCIDENTS_OIDC_ISSUER and that this machine may reach the provider"))
    if not isinstance(meta, dict) or meta.get("issuer", "").rstrip("/") != settings.oidc_issuer.rstrip("/"):
        return Finding("oidc", "fail", _("the provider names itself %(issuer)s, not the configured issuer",
                                         issuer=str(meta.get("issuer") if isinstance(meta, dict) else "?")),
                       _("set INCIDENTS_OIDC_ISSUER exactly as the provider's discovery document names it"))
    missing = [k for k in ("authorization_endpoint", "token_endpoint", "jwks_uri") if not meta.get(k)]
    if missing:
        return Finding("oidc", "fail", _("the discovery document lacks %(names)s", names=", ".join(missing)),
                       _("check that the issuer is an OpenID Connect provider"))
    return Finding("oidc", "ok", _("the provider %(issuer)s answers", issuer=settings.oidc_issuer))


def check_fonts(font_files: dict[str, Path] | None = None) -> Finding:
    if font_files is None:
        try:
            from incidents.documents.render import FONT_FILES as font_files
        except Exception as exc:  # WeasyPrint's system libraries (Pango) missing
            return Finding("fonts", "fail", _("the PDF renderer cannot load (%(why)s)", why=_why(exc)),
                           _("install the system packages of scripts/apt-packages.txt (scripts/install)"))
    missing = [str(p) for p in font_files.values() if not Path(p).is_file()]
    if missing:
        return Finding("fonts", "fail", _("font files missing: %(paths)s", paths=", ".join(missing)),
                       _("reinstall the Python packages (scripts/install)"))
    return Finding("fonts", "ok", _("%(n)s Japanese fonts found", n=len(font_files)))


def check_chromium(paths: tuple[str, ...] = CHROMIUM_PATHS) -> Finding:
    found = next((p for p in paths if Path(p).exists()), None) or shutil.which("chromium")
    if found:
        return Finding("chromium", "ok", _("Chromium found at %(path)s", path=found))
    return Finding("chromium", "warn", _("Chromium is not installed: page screenshots and the browser tests cannot run"),
                   _("install the Debian package chromium (scripts/install)"))


def check_timezone(settings: Settings) -> Finding:
    try:
        ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return Finding("timezone", "fail", _("unknown time zone %(tz)s", tz=settings.timezone),
                       _("set INCIDENTS_TIMEZONE to a zone such as Asia/Tokyo"))
    return Finding("timezone", "ok", _("times are shown in %(tz)s", tz=settings.timezone))


ALL: tuple[tuple[str, Callable[[Settings], Finding]], ...] = (
    ("database", check_database), ("secret", check_secret), ("smtp", check_smtp), ("oidc", check_oidc),
    ("fonts", lambda s: check_fonts()), ("chromium", lambda s: check_chromium()), ("timezone", check_timezone))


def run(settings: Settings | None = None) -> list[Finding]:
    """Every check, in order. Settings that cannot be read are a finding of their own."""
    from incidents.errors import ConfigError

    if settings is None:
        try:
            settings = Settings()  # the environment as it is now (not the process's cached settings)
        except ConfigError as exc:
            return [Finding("settings", "fail", exc.message(), _("correct the environment variables named above"))]
    findings = []
    for key, check in ALL:
        try:
            findings.append(check(settings))
        except Exception as exc:  # a check that breaks is a finding; it never stops the others
            findings.append(Finding(key, "fail", _why(exc), _("see the message above")))
    return findings

