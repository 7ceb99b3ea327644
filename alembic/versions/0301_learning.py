"""learning: root-cause analysis, countermeasures, published near-miss cases with full-text search

SQLite: an FTS5 table with the trigram tokenizer (works for Japanese, which has no spaces) and one over
the two-character pieces (for two-character words), filled by triggers with the published cases only.
PostgreSQL: the pg_trgm extension and a GIN trigram index, and a GIN index on the two-character pieces.

Revision ID: 0301_learning
Revises: 0001_core
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = "0301_learning"
down_revision = "0001_core"
branch_labels = ("learning",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rca_analyses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("whys", sa.JSON(), nullable=False),
        sa.Column("factors", sa.JSON(), nullable=False),
        sa.Column("factor_notes", sa.Text(), nullable=False),
        sa.Column("causes", sa.JSON(), nullable=False),
        sa.Column("kind_of_work", sa.Text(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("incident_id"),
    )
    op.create_table(
        "rca_countermeasures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("four_e", sa.String(length=20), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_note", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["reviewer_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_rca_countermeasures_incident", "rca_countermeasures", ["incident_id", "id"])
    op.create_index("ix_rca_countermeasures_status_due", "rca_countermeasures", ["status", "due_on"])
    op.create_index("ix_rca_countermeasures_owner", "rca_countermeasures", ["owner_id", "status"])

    # Small columns first: SQLite reads a row's columns in order, and the filters must not wade through
    # the long texts (kept last) when the search checks candidate rows.
    op.create_table(
        "nearmiss_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_ref", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("mistake_type", sa.String(length=40), nullable=False),
        sa.Column("discovery_method", sa.String(length=40), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("factors_text", sa.String(length=1000), nullable=False),
        sa.Column("four_e_text", sa.String(length=200), nullable=False),
        sa.Column("persons_min", sa.Integer(), nullable=True),
        sa.Column("persons_max", sa.Integer(), nullable=True),
        sa.Column("hours_to_report", sa.Float(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("data_items", sa.JSON(), nullable=False),
        sa.Column("factors", sa.JSON(), nullable=False),
        sa.Column("four_m", sa.JSON(), nullable=False),
        sa.Column("four_e", sa.JSON(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("bigrams", sa.Text(), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_ref"),
    )
    op.create_index("ix_nearmiss_cases_status_id", "nearmiss_cases", ["status", "id"])
    op.create_index("ix_nearmiss_cases_status_type", "nearmiss_cases", ["status", "mistake_type", "id"])
    op.create_index("ix_nearmiss_cases_period", "nearmiss_cases", ["status", "period"])

    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_nearmiss_cases_search_trgm ON nearmiss_cases USING gin (search_text gin_trgm_ops)")
        op.execute("CREATE INDEX ix_nearmiss_cases_bigrams ON nearmiss_cases USING gin (string_to_array(bigrams, ' '))")
    else:
        op.execute("CREATE VIRTUAL TABLE nearmiss_fts USING fts5(body, tokenize='trigram')")
        op.execute("CREATE VIRTUAL TABLE nearmiss_fts2 USING fts5(body, tokenize='unicode61')")
        op.execute(
            "CREATE TRIGGER nearmiss_fts_ai AFTER INSERT ON nearmiss_cases WHEN new.status = 'published' BEGIN "
            "INSERT INTO nearmiss_fts(rowid, body) VALUES (new.id, new.search_text); "
            "INSERT INTO nearmiss_fts2(rowid, body) VALUES (new.id, new.bigrams); END"
        )
        op.execute(
            "CREATE TRIGGER nearmiss_fts_au AFTER UPDATE ON nearmiss_cases BEGIN "
            "DELETE FROM nearmiss_fts WHERE rowid = old.id; DELETE FROM nearmiss_fts2 WHERE rowid = old.id; "
            "INSERT INTO nearmiss_fts(rowid, body) SELECT new.id, new.search_text WHERE new.status = 'published'; "
            "INSERT INTO nearmiss_fts2(rowid, body) SELECT new.id, new.bigrams WHERE new.status = 'published'; END"
        )
        op.execute(
            "CREATE TRIGGER nearmiss_fts_ad AFTER DELETE ON nearmiss_cases BEGIN "
            "DELETE FROM nearmiss_fts WHERE rowid = old.id; DELETE FROM nearmiss_fts2 WHERE rowid = old.id; END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_nearmiss_cases_search_trgm")
        op.execute("DROP INDEX IF EXISTS ix_nearmiss_cases_bigrams")
    else:
        for name in ("nearmiss_fts_ai", "nearmiss_fts_au", "nearmiss_fts_ad"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS nearmiss_fts")
        op.execute("DROP TABLE IF EXISTS nearmiss_fts2")
    op.drop_index("ix_nearmiss_cases_period", table_name="nearmiss_cases")
    op.drop_index("ix_nearmiss_cases_status_type", table_name="nearmiss_cases")
    op.drop_index("ix_nearmiss_cases_status_id", table_name="nearmiss_cases")
    op.drop_table("nearmiss_cases")
    op.drop_index("ix_rca_countermeasures_owner", table_name="rca_countermeasures")
    op.drop_index("ix_rca_countermeasures_status_due", table_name="rca_countermeasures")
    op.drop_index("ix_rca_countermeasures_incident", table_name="rca_countermeasures")
    op.drop_table("rca_countermeasures")
    op.drop_table("rca_analyses")
