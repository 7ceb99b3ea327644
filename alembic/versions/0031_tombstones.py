"""security: tombstones of incidents deleted at the end of their retention period

Revision ID: 0031_tombstones
Revises: 0030_audit_keys
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa

revision = "0031_tombstones"
down_revision = "0030_audit_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incident_tombstones",
        sa.Column("incident_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retention_years", sa.Integer(), nullable=False),
        sa.Column("recipients_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("incident_id"),
    )


def downgrade() -> None:
    op.drop_table("incident_tombstones")
