"""calibrated suggestions: probability and likely on each suggestion, the two most likely
categories on a need whose category is uncertain

Revision ID: b4e2c7d91a30
Revises: 81a6a8c675d0
Create Date: 2026-12-08 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "b4e2c7d91a30"
down_revision = "81a6a8c675d0"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("suggestion") as batch:
        batch.add_column(sa.Column("probability", sa.Float(), server_default="0", nullable=False))
        batch.add_column(
            sa.Column("likely", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("need") as batch:
        batch.add_column(sa.Column("category_choices", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("need") as batch:
        batch.drop_column("category_choices")
    with op.batch_alter_table("suggestion") as batch:
        batch.drop_column("likely")
        batch.drop_column("probability")
