"""Operator commands (db, users, tokens, serve) and the audit check."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.common import JsonOut, operator_session, print_json, say, table
from incidents.i18n import gettext as _
from incidents.audit.labels import VERIFY_PROBLEMS
from incidents.people.labels import LOCALES, ROLES
from incidents.times import format_datetime
from incidents import migrations
from incidents.audit import service as audit
from incidents.config import check_startup, get_settings
from incidents.people import service as people

db_app = typer.Typer(help="Database: migrate and inspect.", no_args_is_help=True)
users_app = typer.Typer(help="Users (operator command: no --as needed).", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens for scripts (stored hashed, revocable).", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit trail.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision")] = "heads"):
    """Create or migrate the database to the latest schema."""
    migrations.upgrade(revision=revision)
    say(_("Database migrated: %(where)s", where=get_settings().database_url.split("@")[-1]))


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument(help="Target revision, e.g. base")]):
    """Migrate down to REVISION (base removes every table)."""
    migrations.downgrade(revision=revision)
    say(_("Database downgraded to %(revision)s", revision=revision))


@db_app.command("status")
def db_status(as_json: JsonOut = False):
    """Show whether the database is up to date."""
    missing = sorted(migrations.pending())
    result = {"up_to_date": not missing, "pending": missing}
    print_json(result) if as_json else say(_("Up to date") if not missing
                                          else _("Migrations pending: %(names)s", names=", ".join(missing)))


@db_app.command("seed-demo")
def db_seed_demo():
    """Create demo users (password: demo-password) for trying the service."""
    from incidents.demo import seed_demo

    with operator_session() as session:
        created = seed_demo(session)
    for email in created:
        say(_("Demo user %(email)s / demo-password", email=email))
    if not created:
        say(_("The demo users exist already"))


@users_app.command("add")
def users_add(
    email: Annotated[str, typer.Argument(help="Email address (the login)")],
    name: Annotated[str, typer.Option("--name", help="Display name")],
    role: Annotated[str, typer.Option("--role", help="employee | manager | officer | admin (comma-separate to combine)")],
    department: Annotated[str, typer.Option("--department", help="Department name (created if new)")],
    manager: Annotated[str | None, typer.Option("--manager", help="The manager's email")] = None,
    password: Annotated[str | None, typer.Option("--password", help="Web login password (or set it later)")] = None,
    locale: Annotated[str, typer.Option("--locale", help="ja | en")] = "ja",
    as_json: JsonOut = False,
):
    """Add a user."""
    with operator_session() as session:
        user = people.add_user(session, actor=None, email=email, display_name=name, roles=role,
                               department_name=department, manager_email=manager, password=password, locale=locale)
        public = people.to_public(session, user)
    print_json(public) if as_json else say(_("User %(email)s added (no. %(id)s)", email=public.email, id=public.id))


@users_app.command("list")
def users_list(as_json: JsonOut = False):
    """List users."""
    with operator_session() as session:
        users = people.list_users(session, actor=None)
    if as_json:
        print_json(users)
        return
    table(None, ["#", _("Email"), _("Name"), _("Department"), _("Role"), _("Manager"), _("Language")],
          [[u.id, u.email, u.display_name, u.department, ROLES.join(r for r in str(u.role).split(",") if r),
            u.manager, LOCALES.label(u.locale)] for u in users])


@users_app.command("passwd")
def users_passwd(email: str, password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)]):
    """Set a user's web password."""
    with operator_session() as session:
        people.set_password(session, actor=None, email=email, password=password)
    say(_("Password set for %(email)s", email=email))


@tokens_app.command("create")
def tokens_create(
    email: Annotated[str, typer.Argument(help="The user the token acts as")],
    name: Annotated[str, typer.Option("--name")] = "script",
    as_json: JsonOut = False,
):
    """Create an API token; it is shown once."""
    with operator_session() as session:
        token, row = people.create_token(session, actor=None, email=email, name=name)
        out = {"id": row.id, "user": email, "name": row.name, "token": token}
    if as_json:
        print_json(out)
    else:
        say(_("Token no. %(id)s for %(email)s (shown once):", id=row.id, email=email))
        print(token)


@tokens_app.command("revoke")
def tokens_revoke(token_id: Annotated[int, typer.Argument(help="Token id (see tokens list)")]):
    """Revoke an API token."""
    with operator_session() as session:
        people.revoke_token(session, actor=None, token_id=token_id)
    say(_("Token no. %(id)s revoked", id=token_id))


@tokens_app.command("list")
def tokens_list(as_json: JsonOut = False):
    """List API tokens (never their secret)."""
    with operator_session() as session:
        rows = people.list_tokens(session, actor=None)
    if as_json:
        print_json(rows)
        return
    table(None, ["#", _("User"), _("Name"), _("Prefix"), _("Created"), _("Revoked")],
          [[r.id, r.user, r.name, r.prefix, format_datetime(r.created_at), format_datetime(r.revoked_at)] for r in rows])


@audit_app.command("verify")
def audit_verify(
    as_json: JsonOut = False,
    anchor: Annotated[Path | None, typer.Option("--anchor", help="An anchor file written by `audit anchor`")] = None,
):
    """Check the hash chain (and, with --anchor, that the anchored head is still there); exit 1 and name the
    first event that was edited, removed or reordered."""
    with operator_session() as session:
        if anchor is not None:
            from incidents.audit import anchor as anchors

            result = anchors.verify_with(session, anchors.read(anchor))
        else:
            result = audit.verify(session)
    if as_json:
        print_json(result)
    elif result.ok:
        say(_("Audit trail intact: %(n)s events", n=f"{result.checked:,}"))
    if not result.ok:
        problem = VERIFY_PROBLEMS.label(result.problem_kind) % {"seq": result.first_bad_seq,
                                                                 "expected": result.expected_seq}
        if result.first_bad_id is None:
            say("error: " + _("audit anchor seq %(seq)s: %(problem)s", seq=result.first_bad_seq, problem=problem),
                err=True)
        else:
            say("error: " + _("audit event seq %(seq)s (id %(id)s): %(problem)s", seq=result.first_bad_seq,
                              id=result.first_bad_id, problem=problem), err=True)
        raise typer.Exit(1)


def serve(
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8000,
    demo: Annotated[bool, typer.Option("--demo", help="Create demo users first")] = False,
    reload: Annotated[bool, typer.Option("--reload", hidden=True)] = False,
):
    """Run the web service (API at /api/v1, docs at /docs)."""
    import uvicorn

    check_startup()  # production mode without a secret key stops here, in one line
    migrations.ensure_migrated()
    worker = None
    if demo:
        db_seed_demo()
        # The demo works end to end: one `incidents worker` process beside the server runs background jobs
        # (bulk letters). Elsewhere workers are started on their own (docs/jobs.md).
        import subprocess
        import sys

        worker = subprocess.Popen([sys.executable, "-m", "cli.main", "worker"])
    try:
        uvicorn.run("incidents.app:create_app", factory=True, host=host, port=port, reload=reload,
                    proxy_headers=True, log_level="info")
    finally:
        if worker is not None:
            worker.terminate()  # SIGTERM: the worker finishes the running job, then leaves
            worker.wait()


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
    app.add_typer(users_app, name="users")
    app.add_typer(tokens_app, name="tokens")
    app.add_typer(audit_app, name="audit")
    app.command("serve")(serve)
