"""identity: the sealed TOTP secret (Fernet token, ~140 characters) needs a wider column than 64

Revision ID: 0502_totp_secret_width
Revises: 0501_identity
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa


revision = "0502_totp_secret_width"
down_revision = "0501_identity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.alter_column("totp_secret", existing_type=sa.String(length=64), type_=sa.String(length=255),
                           existing_nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.alter_column("totp_secret", existing_type=sa.String(length=255), type_=sa.String(length=64),
                           existing_nullable=True)
