"""regimes: per-incident overrides, obligations with the rule in force when they arose, correspondence log

Revision ID: 0110_regimes
Revises: 0101_response
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa


revision = "0110_regimes"
down_revision = "0101_response"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incident_regimes",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("add_regimes", sa.JSON(), nullable=False),
        sa.Column("remove_regimes", sa.JSON(), nullable=False),
        sa.Column("entrustment", sa.String(length=16), nullable=False),
        sa.Column("counterpart", sa.String(length=200), nullable=False),
        sa.Column("joint_report", sa.Boolean(), nullable=False),
        sa.Column("delegated_to", sa.String(length=32), nullable=True),
        sa.Column("customer_data", sa.Boolean(), nullable=True),
        sa.Column("serious_violation", sa.Boolean(), nullable=False),
        sa.Column("telecom_secrecy", sa.Boolean(), nullable=False),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("incident_id"),
    )
    op.create_table(
        "obligations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("regime", sa.String(length=24), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("to", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("limit_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("arose_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rule_version", sa.String(length=64), nullable=False),
        sa.Column("rule", sa.JSON(), nullable=False),
        sa.Column("basis", sa.JSON(), nullable=False),
        sa.Column("joint", sa.Boolean(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["submitted_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("incident_id", "key", name="uq_obligations_incident_key"),
    )
    op.create_index("ix_obligations_incident_id", "obligations", ["incident_id"])
    op.create_index("ix_obligations_status_due", "obligations", ["status", "due_at"])
    op.create_index("ix_obligations_regime", "obligations", ["regime", "incident_id"])
    op.create_table(
        "obligation_correspondence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("obligation_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["obligation_id"], ["obligations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_obligation_correspondence_obligation", "obligation_correspondence", ["obligation_id", "at"])
    op.create_index("ix_obligation_correspondence_incident_id", "obligation_correspondence", ["incident_id"])


def downgrade() -> None:
    op.drop_index("ix_obligation_correspondence_incident_id", table_name="obligation_correspondence")
    op.drop_index("ix_obligation_correspondence_obligation", table_name="obligation_correspondence")
    op.drop_table("obligation_correspondence")
    op.drop_index("ix_obligations_regime", table_name="obligations")
    op.drop_index("ix_obligations_status_due", table_name="obligations")
    op.drop_index("ix_obligations_incident_id", table_name="obligations")
    op.drop_table("obligations")
    op.drop_table("incident_regimes")
