"""team proposals: need.team_proposals (JSON), the 组团 proposals of a gap need

Revision ID: 8f3876faa96f
Revises: 598ecca027dc
Create Date: 2026-11-29 02:29:21.702293
"""

import sqlalchemy as sa
from alembic import op

revision = "8f3876faa96f"
down_revision = "598ecca027dc"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("need", schema=None) as batch_op:
        batch_op.add_column(sa.Column("team_proposals", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("need", schema=None) as batch_op:
        batch_op.drop_column("team_proposals")
