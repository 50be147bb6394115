"""derived blobs (published search index versions) and an index on organization.updated_at

Derived data every host must reach without a shared folder is published as versioned, chunked
blobs (catalog.models.derived). Matching processes ask "which organizations changed since I
last looked" before each match; the index on `updated_at` keeps that a range lookup.

Revision ID: 41966584e9a0
Revises: 3f43adc79368
Create Date: 2026-12-07 14:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "41966584e9a0"
down_revision = "3f43adc79368"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "derived_blob",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("chunks", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    )
    op.create_index("ix_derived_blob_kind", "derived_blob", ["kind"])
    op.create_table(
        "derived_chunk",
        sa.Column(
            "blob_id",
            sa.Integer(),
            sa.ForeignKey("derived_blob.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("seq", sa.Integer(), primary_key=True),
        sa.Column("data", sa.LargeBinary(), nullable=False),
    )
    op.create_index("ix_organization_updated_at", "organization", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_organization_updated_at", table_name="organization")
    op.drop_table("derived_chunk")
    op.drop_index("ix_derived_blob_kind", table_name="derived_blob")
    op.drop_table("derived_blob")
