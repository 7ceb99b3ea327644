"""letters: reference numbers (整理番号) per recipient; letter wording for outside readers

Revision ID: 0220_letters
Revises: 0201_documents
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa


revision = "0220_letters"
down_revision = "0201_documents"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "letter_references",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recipient_id"], ["recipients.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("reference", name="uq_letter_references_reference"),
        sa.UniqueConstraint("recipient_id", name="uq_letter_references_recipient"),
        sa.UniqueConstraint("incident_id", "seq", name="uq_letter_references_incident_seq"),
    )
    op.create_table(
        "letter_wordings",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("cause_ja", sa.Text(), nullable=False),
        sa.Column("cause_en", sa.Text(), nullable=False),
        sa.Column("actions_ja", sa.Text(), nullable=False),
        sa.Column("actions_en", sa.Text(), nullable=False),
        sa.Column("measures_ja", sa.Text(), nullable=False),
        sa.Column("measures_en", sa.Text(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("incident_id"),
    )


def downgrade() -> None:
    op.drop_table("letter_wordings")
    op.drop_table("letter_references")
