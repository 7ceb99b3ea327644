"""confirmations: deletion requests sent by mail, confirmation links (hashed tokens), answers, bounces

Revision ID: 0450_confirmations
Revises: 0001_core
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

revision = "0450_confirmations"
down_revision = "0001_core"
branch_labels = ("confirmations",)
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "deletion_sendings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(length=4), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_deletion_sendings_incident_id", "deletion_sendings", ["incident_id"])
    op.create_table(
        "deletion_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sending_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("lang", sa.String(length=4), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("delivery_key", sa.String(length=200), nullable=False),
        sa.Column("reminders", sa.Integer(), nullable=False),
        sa.Column("queued_at", TS, nullable=False),
        sa.Column("last_mailed_at", TS, nullable=False),
        sa.Column("next_reminder_at", TS, nullable=True),
        sa.Column("bounced_at", TS, nullable=True),
        sa.Column("answered_at", TS, nullable=True),
        sa.Column("opened", sa.String(length=8), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["sending_id"], ["deletion_sendings.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recipient_id"], ["recipients.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sending_id", "recipient_id", name="uq_deletion_requests_sending_recipient"),
    )
    op.create_index("ix_deletion_requests_incident", "deletion_requests", ["incident_id", "status"])
    op.create_index("ix_deletion_requests_reminder", "deletion_requests", ["next_reminder_at"])
    op.create_index("ix_deletion_requests_recipient_id", "deletion_requests", ["recipient_id"])
    op.create_table(
        "confirmation_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("nonce", sa.String(length=32), nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("revoked_at", TS, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["deletion_requests.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("request_id", name="uq_confirmation_tokens_request"),
        sa.UniqueConstraint("token_hash", name="uq_confirmation_tokens_hash"),
    )
    op.create_table(
        "confirmation_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("opened", sa.String(length=8), nullable=False),
        sa.Column("deleted_inbox", sa.Boolean(), nullable=False),
        sa.Column("deleted_trash", sa.Boolean(), nullable=False),
        sa.Column("deleted_files", sa.Boolean(), nullable=False),
        sa.Column("deleted_printouts", sa.Boolean(), nullable=False),
        sa.Column("not_forwarded", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("organization", sa.String(length=200), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("lang", sa.String(length=4), nullable=False),
        sa.Column("remote_address", sa.String(length=64), nullable=False),
        sa.Column("user_agent", sa.String(length=400), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["deletion_requests.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_confirmation_answers_request", "confirmation_answers", ["request_id", "id"])
    op.create_index("ix_confirmation_answers_incident_id", "confirmation_answers", ["incident_id"])
    op.create_table(
        "deletion_bounces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("matched_by", sa.String(length=12), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("message_id", sa.String(length=400), nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["request_id"], ["deletion_requests.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_deletion_bounces_incident", "deletion_bounces", ["incident_id", "id"])


def downgrade() -> None:
    op.drop_table("deletion_bounces")
    op.drop_table("confirmation_answers")
    op.drop_table("confirmation_tokens")
    op.drop_table("deletion_requests")
    op.drop_table("deletion_sendings")
