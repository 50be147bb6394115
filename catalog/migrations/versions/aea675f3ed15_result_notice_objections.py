"""result notices (结果公示) and objections raised during their 公示期

Two new tables (issue 13 item 11): `result_notice`, one per need once its decision is published,
and `objection`, anyone's objection to a result notice with the reviewer's answer. The
objector's contact lives only here and is shown to the reviewer of the area.

Revision ID: aea675f3ed15
Revises: 1cef5f3d433e
Create Date: 2026-12-07 14:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "aea675f3ed15"
down_revision = "1cef5f3d433e"
branch_labels = None
depends_on = None


def _need_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["need_id"], ["need.id"], name=op.f(f"fk_{table}_need_id_need"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "result_notice",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("need_id", sa.String(length=64), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        _need_fk("result_notice"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_result_notice")),
    )
    with op.batch_alter_table("result_notice") as batch:
        batch.create_index(batch.f("ix_result_notice_need_id"), ["need_id"], unique=True)
    op.create_table(
        "objection",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("need_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=True),
        sa.Column("contact", sa.String(length=100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.String(length=64), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answer_public", sa.Boolean(), nullable=False),
        _need_fk("objection"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objection")),
    )
    with op.batch_alter_table("objection") as batch:
        batch.create_index(batch.f("ix_objection_need_id"), ["need_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("objection") as batch:
        batch.drop_index(batch.f("ix_objection_need_id"))
    op.drop_table("objection")
    with op.batch_alter_table("result_notice") as batch:
        batch.drop_index(batch.f("ix_result_notice_need_id"))
    op.drop_table("result_notice")
