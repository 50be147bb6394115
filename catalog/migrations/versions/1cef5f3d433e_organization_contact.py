"""organization contact data: address, contact person, phone, e-mail, website, opening hours

Six nullable columns (issue 13, issue 15 item 3): existing organizations simply have no contact
data until their profile or an import gives it. Lengths are catalog.contact's limits.

Revision ID: 1cef5f3d433e
Revises: b4e1d2c3a5f6
Create Date: 2026-12-10 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "1cef5f3d433e"
down_revision = "b4e1d2c3a5f6"
branch_labels = None
depends_on = None

COLUMNS = (
    ("address", 200),
    ("contact_person", 50),
    ("phone", 40),
    ("email", 254),
    ("website", 300),
    ("opening_hours", 200),
)


def upgrade() -> None:
    with op.batch_alter_table("organization") as batch:
        for name, length in COLUMNS:
            batch.add_column(sa.Column(name, sa.String(length), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("organization") as batch:
        for name, _length in reversed(COLUMNS):
            batch.drop_column(name)
