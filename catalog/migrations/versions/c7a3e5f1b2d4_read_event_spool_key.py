"""read_event.spool_key: reads moved from a crash-safe spool are inserted at most once

A read recorded through web.access.read_spool carries a random key; the unique index lets the
flusher insert with ON CONFLICT DO NOTHING, so a spool file moved again after a crash (between
the commit and the file's deletion) records no read twice. Rows written directly keep NULL.

Revision ID: c7a3e5f1b2d4
Revises: 41966584e9a0
Create Date: 2026-12-07 17:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "c7a3e5f1b2d4"
down_revision = "41966584e9a0"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN on both dialects: a batch (copy) on SQLite would drop the table's
    # append-only triggers.
    op.add_column("read_event", sa.Column("spool_key", sa.String(length=32), nullable=True))
    op.create_index("ix_read_event_spool_key", "read_event", ["spool_key"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_read_event_spool_key", table_name="read_event")
    from catalog.models.audit import install_append_only_guard

    with op.batch_alter_table("read_event") as batch:
        batch.drop_column("spool_key")
    install_append_only_guard(op.get_bind(), ("read_event",))  # a SQLite copy lost its triggers
