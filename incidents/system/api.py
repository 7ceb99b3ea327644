"""Health of the service."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from incidents import __version__
from incidents.db import SessionDep
from incidents.migrations import pending

router = APIRouter(tags=["system"])


@router.get("/health")
def health(session: SessionDep) -> dict:
    session.execute(text("SELECT 1"))
    missing = pending()
    return {"status": "ok" if not missing else "unmigrated", "version": __version__,
            "database": session.get_bind().dialect.name, "pending_migrations": sorted(missing)}
