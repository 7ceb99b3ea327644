"""jobs: the job table and its made items; bulk letter jobs become jobs of kind documents.letters

Revision ID: 0401_jobs
Revises: 0001_core
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa


revision = "0401_jobs"
down_revision = "0001_core"
branch_labels = ("jobs",)
depends_on = ("0201_documents",)

LETTERS = "documents.letters"


def _letter_jobs() -> sa.Table:
    return sa.table(
        "document_letter_jobs",
        sa.column("id", sa.Integer), sa.column("incident_id", sa.Integer), sa.column("kind", sa.String),
        sa.column("audience", sa.String), sa.column("lang", sa.String), sa.column("merge", sa.Boolean),
        sa.column("status", sa.String), sa.column("total", sa.Integer), sa.column("done", sa.Integer),
        sa.column("error", sa.Text), sa.column("output_name", sa.String), sa.column("sha256", sa.String),
        sa.column("size_bytes", sa.BigInteger), sa.column("created_by_id", sa.Integer),
        sa.column("created_at", sa.DateTime(timezone=True)), sa.column("finished_at", sa.DateTime(timezone=True)),
    )


def _jobs() -> sa.Table:
    return sa.table(
        "jobs",
        sa.column("id", sa.Integer), sa.column("kind", sa.String), sa.column("params", sa.JSON),
        sa.column("status", sa.String), sa.column("incident_id", sa.Integer), sa.column("created_by_id", sa.Integer),
        sa.column("run_after", sa.DateTime(timezone=True)), sa.column("attempts", sa.Integer),
        sa.column("done", sa.Integer), sa.column("total", sa.Integer), sa.column("result", sa.JSON),
        sa.column("error", sa.Text), sa.column("claimed_done", sa.Integer),
        sa.column("created_at", sa.DateTime(timezone=True)), sa.column("finished_at", sa.DateTime(timezone=True)),
    )


def _create_letter_jobs() -> None:
    op.create_table(
        "document_letter_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("audience", sa.String(length=20), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("merge", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("output_name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_document_letter_jobs_incident", "document_letter_jobs", ["incident_id", "id"])


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("dedupe_key", sa.String(length=200), nullable=True),
        sa.Column("run_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("worker", sa.String(length=100), nullable=True),
        sa.Column("leased_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("total", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_done", sa.Integer(), nullable=False, server_default="0"),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dedupe_key"),
    )
    op.create_index("ix_jobs_due", "jobs", ["status", "run_after"])
    op.create_index("ix_jobs_incident", "jobs", ["incident_id", "id"])
    op.create_table(
        "job_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("worker", sa.String(length=100), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("job_id", "key", name="uq_job_items_key"),
    )
    # Letter jobs of earlier versions become jobs (their files stay where they are: params["dir"]).
    bind = op.get_bind()
    old = _letter_jobs()
    rows = bind.execute(sa.select(old).order_by(old.c.id)).mappings().all()
    if rows:
        bind.execute(_jobs().insert(), [{
            "kind": LETTERS, "status": r["status"] if r["status"] in ("done", "failed") else "failed",
            "params": {"to": r["audience"], "lang": r["lang"], "merge": bool(r["merge"]), "letter_kind": r["kind"],
                       "dir": f"{r['id']}-{r['created_at'].strftime('%Y%m%dT%H%M%S%f')}"},
            "incident_id": r["incident_id"], "created_by_id": r["created_by_id"], "run_after": r["created_at"],
            "attempts": 1, "done": r["done"], "total": r["total"], "claimed_done": 0,
            "result": {"output_name": r["output_name"], "sha256": r["sha256"], "size_bytes": r["size_bytes"]}
            if r["status"] == "done" else {},
            "error": r["error"] or ("stopped before it was done" if r["status"] not in ("done", "failed") else ""),
            "created_at": r["created_at"], "finished_at": r["finished_at"] or r["created_at"],
        } for r in rows])
    op.drop_index("ix_document_letter_jobs_incident", table_name="document_letter_jobs")
    op.drop_table("document_letter_jobs")


def downgrade() -> None:
    _create_letter_jobs()
    bind = op.get_bind()
    jobs = _jobs()
    rows = bind.execute(sa.select(jobs).where(jobs.c.kind == LETTERS).order_by(jobs.c.id)).mappings().all()
    if rows:
        bind.execute(_letter_jobs().insert(), [{
            "incident_id": r["incident_id"], "kind": (r["params"] or {}).get("letter_kind", ""),
            "audience": (r["params"] or {}).get("to", ""), "lang": (r["params"] or {}).get("lang", "ja"),
            "merge": bool((r["params"] or {}).get("merge")), "status": r["status"], "total": r["total"],
            "done": r["done"], "error": r["error"] or "", "output_name": (r["result"] or {}).get("output_name", ""),
            "sha256": (r["result"] or {}).get("sha256", ""), "size_bytes": (r["result"] or {}).get("size_bytes", 0),
            "created_by_id": r["created_by_id"], "created_at": r["created_at"], "finished_at": r["finished_at"],
        } for r in rows if r["incident_id"] is not None])
    op.drop_table("job_items")
    op.drop_index("ix_jobs_incident", table_name="jobs")
    op.drop_index("ix_jobs_due", table_name="jobs")
    op.drop_table("jobs")
