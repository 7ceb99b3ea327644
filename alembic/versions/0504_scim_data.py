"""identity: what a SCIM client sent for a user or a group (kept so it reads back as sent)

Revision ID: 0504_scim_data
Revises: 0503_site_settings
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa


revision = "0504_scim_data"
down_revision = "0503_site_settings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("scim_user_name", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("scim_data", sa.Text(), nullable=True))
        batch.create_unique_constraint("uq_users_scim_user_name", ["scim_user_name"])
    with op.batch_alter_table("user_groups") as batch:
        batch.add_column(sa.Column("scim_data", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user_groups") as batch:
        batch.drop_column("scim_data")
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("uq_users_scim_user_name", type_="unique")
        batch.drop_column("scim_data")
        batch.drop_column("scim_user_name")
