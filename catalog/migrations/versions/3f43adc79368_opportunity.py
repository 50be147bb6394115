"""opportunity: an organization's recommended listed needs, kept by matching's writes

One row per (listed need, organization suggested or confirmed for it), with the score and the
need's listing time, so an organization's page of opportunities is one range of
ix_opportunity_org_rank (issue 14 item 3: the page used to rank every listed need live in the
web request). Filled here from the suggestions already written; kept current afterwards by
catalog.opportunities.sync_needs.

Revision ID: 3f43adc79368
Revises: aea675f3ed15
Create Date: 2026-12-07 14:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "3f43adc79368"
down_revision = "aea675f3ed15"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "opportunity",
        sa.Column("need_id", sa.String(64), nullable=False),
        sa.Column("org_id", sa.String(64), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("listed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["need_id"], ["need.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("need_id", "org_id"),
    )
    op.create_index(
        "ix_opportunity_org_rank",
        "opportunity",
        ["org_id", sa.text("score DESC"), sa.text("listed_at DESC"), "need_id"],
    )
    op.execute(
        "INSERT INTO opportunity (need_id, org_id, score, listed_at) "
        "SELECT s.need_id, s.org_id, s.score, n.listed_at FROM suggestion s "
        "JOIN need n ON n.id = s.need_id "
        "WHERE n.status = 'listed' AND s.status IN ('suggested', 'confirmed')"
    )


def downgrade() -> None:
    op.drop_index("ix_opportunity_org_rank", table_name="opportunity")
    op.drop_table("opportunity")
