"""identity: settings an administrator changes at run time (e.g. whether passwords may be used to sign in)

Revision ID: 0503_site_settings
Revises: 0502_totp_secret_width
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa


revision = "0503_site_settings"
down_revision = "0502_totp_secret_width"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "site_settings",
        sa.Column("key", sa.String(length=64), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("site_settings")
