"""security: the audit chain keyed (HMAC with a key outside the database), bodies hashed apart so personal
data can be erased from them

Existing chains are checked as they stand and moved to the installation's key; a chain that does not verify is
left unkeyed, and `incidents audit verify` / `incidents audit rekey` name its first bad event.

Revision ID: 0030_audit_keys
Revises: 0001_core
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa

from incidents.types import UTCDateTime

revision = "0030_audit_keys"
down_revision = "0001_core"
branch_labels = ("security",)
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_events") as batch_op:
        batch_op.add_column(sa.Column("key_id", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("body_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("redacted_at", sa.DateTime(timezone=True), nullable=True))
    events = sa.table(
        "audit_events", sa.column("id", sa.Integer), sa.column("seq", sa.Integer), sa.column("at", UTCDateTime),
        sa.column("actor_id", sa.Integer), sa.column("actor", sa.String), sa.column("action", sa.String),
        sa.column("incident_id", sa.Integer), sa.column("entity", sa.String), sa.column("entity_id", sa.String),
        sa.column("before", sa.JSON), sa.column("after", sa.JSON), sa.column("prev_hash", sa.String),
        sa.column("hash", sa.String), sa.column("key_id", sa.String), sa.column("body_hash", sa.String),
        sa.column("redacted_at", UTCDateTime),
    )
    conn = op.get_bind()
    rows = conn.execute(sa.select(events).order_by(events.c.seq)).all()
    if not rows:
        return
    from incidents.audit.chain import rekey_rows
    from incidents.audit.keys import current_key, keyring

    updates, bad = rekey_rows(rows, current_key(), keyring())
    if bad is not None:
        return
    for u in updates:
        conn.execute(events.update().where(events.c.id == u["id"]).values(
            prev_hash=u["prev_hash"], hash=u["hash"], key_id=u["key_id"], body_hash=u["body_hash"]))


def downgrade() -> None:
    # the keyed hashes stay (an older version reports them as edited until the chain is rebuilt)
    with op.batch_alter_table("audit_events") as batch_op:
        batch_op.drop_column("redacted_at")
        batch_op.drop_column("body_hash")
        batch_op.drop_column("key_id")
