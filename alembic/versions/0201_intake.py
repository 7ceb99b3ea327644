"""intake: known domains and the address book

Revision ID: 0201_intake
Revises: 0001_core
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = "0201_intake"
down_revision = "0001_core"
branch_labels = ("intake",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "intake_domains",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("organization", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("domain", name="uq_intake_domains_domain"),
    )
    op.create_table(
        "intake_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("organization", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_intake_contacts_address", "intake_contacts", ["address"])
    op.create_index("ix_intake_contacts_domain", "intake_contacts", ["domain"])


def downgrade() -> None:
    op.drop_index("ix_intake_contacts_domain", table_name="intake_contacts")
    op.drop_index("ix_intake_contacts_address", table_name="intake_contacts")
    op.drop_table("intake_contacts")
    op.drop_table("intake_domains")
