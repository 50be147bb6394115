"""initial schema, part 2: organizations, needs, suggestions and their records

Keeps the id of the original one-piece initial revision (see 3c1f0e5a9b27).

Revision ID: 7db578243174
Revises: 3c1f0e5a9b27
Create Date: 2026-11-28 14:04:08.174398
"""

import sqlalchemy as sa
from alembic import op

revision = "7db578243174"
down_revision = "3c1f0e5a9b27"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organization",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("org_type", sa.String(length=20), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("staff", sa.Integer(), nullable=True),
        sa.Column("social_workers", sa.Integer(), nullable=True),
        sa.Column("founded", sa.Integer(), nullable=True),
        sa.Column("rating", sa.String(length=8), nullable=True),
        sa.Column("lang", sa.String(length=10), nullable=False),
        sa.Column("profile_version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organization")),
        sa.UniqueConstraint("credit_code", name=op.f("uq_organization_credit_code")),
    )
    op.create_table(
        "credit_event",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=120), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organization.id"],
            name=op.f("fk_credit_event_org_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_event")),
    )
    with op.batch_alter_table("credit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_credit_event_org_id"), ["org_id"], unique=False)

    op.create_table(
        "need",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("street_code", sa.String(length=12), nullable=False),
        sa.Column("posted_by", sa.String(length=120), nullable=False),
        sa.Column("posted_by_account_id", sa.Integer(), nullable=True),
        sa.Column("beneficiaries", sa.String(length=120), nullable=False),
        sa.Column("beneficiary_count", sa.Integer(), nullable=False),
        sa.Column("budget_yuan", sa.Integer(), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("funding", sa.String(length=20), nullable=False),
        sa.Column("lang", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("return_reason", sa.Text(), nullable=True),
        sa.Column("category_name", sa.String(length=40), nullable=True),
        sa.Column("category_source", sa.String(length=12), nullable=True),
        sa.Column("category_confidence", sa.Float(), nullable=True),
        sa.Column("prohibited", sa.Boolean(), nullable=False),
        sa.Column("prohibited_rule", sa.String(length=40), nullable=True),
        sa.Column("prohibited_detail", sa.Text(), nullable=True),
        sa.Column("match_status", sa.String(length=10), nullable=True),
        sa.Column("match_error", sa.Text(), nullable=True),
        sa.Column("matched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("gap", sa.Boolean(), nullable=True),
        sa.Column("gap_reason", sa.String(length=12), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("listed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["category_name"], ["category.name"], name=op.f("fk_need_category_name_category")
        ),
        sa.ForeignKeyConstraint(
            ["posted_by_account_id"],
            ["account.id"],
            name=op.f("fk_need_posted_by_account_id_account"),
        ),
        sa.ForeignKeyConstraint(
            ["street_code"], ["region.code"], name=op.f("fk_need_street_code_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_need")),
    )
    with op.batch_alter_table("need", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_need_category_name"), ["category_name"], unique=False)
        batch_op.create_index(batch_op.f("ix_need_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_need_street_code"), ["street_code"], unique=False)

    op.create_table(
        "org_area",
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organization.id"],
            name=op.f("fk_org_area_org_id_organization"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["region_code"], ["region.code"], name=op.f("fk_org_area_region_code_region")
        ),
        sa.PrimaryKeyConstraint("org_id", "region_code", name=op.f("pk_org_area")),
    )
    op.create_table(
        "org_category",
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("category_name", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_name"],
            ["category.name"],
            name=op.f("fk_org_category_category_name_category"),
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organization.id"],
            name=op.f("fk_org_category_org_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("org_id", "category_name", name=op.f("pk_org_category")),
    )
    op.create_table(
        "performance_record",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("need_id", sa.String(length=64), nullable=True),
        sa.Column("project", sa.String(length=200), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("satisfaction", sa.Float(), nullable=False),
        sa.Column("evaluation", sa.String(length=20), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organization.id"],
            name=op.f("fk_performance_record_org_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_performance_record")),
    )
    with op.batch_alter_table("performance_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_performance_record_org_id"), ["org_id"], unique=False)

    op.create_table(
        "interest",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("need_id", sa.String(length=64), nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["need_id"], ["need.id"], name=op.f("fk_interest_need_id_need"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organization.id"],
            name=op.f("fk_interest_org_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interest")),
        sa.UniqueConstraint("need_id", "org_id", name="uq_interest_need_org"),
    )
    with op.batch_alter_table("interest", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interest_need_id"), ["need_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_interest_org_id"), ["org_id"], unique=False)

    op.create_table(
        "suggestion",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("need_id", sa.String(length=64), nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("features", sa.JSON(), nullable=False),
        sa.Column("model_version", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["need_id"], ["need.id"], name=op.f("fk_suggestion_need_id_need"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organization.id"],
            name=op.f("fk_suggestion_org_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion")),
        sa.UniqueConstraint("need_id", "org_id", name="uq_suggestion_need_org"),
    )
    with op.batch_alter_table("suggestion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_suggestion_need_id"), ["need_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_suggestion_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_suggestion_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("suggestion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_suggestion_status"))
        batch_op.drop_index(batch_op.f("ix_suggestion_org_id"))
        batch_op.drop_index(batch_op.f("ix_suggestion_need_id"))

    op.drop_table("suggestion")
    with op.batch_alter_table("interest", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interest_org_id"))
        batch_op.drop_index(batch_op.f("ix_interest_need_id"))

    op.drop_table("interest")
    with op.batch_alter_table("performance_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_performance_record_org_id"))

    op.drop_table("performance_record")
    op.drop_table("org_category")
    op.drop_table("org_area")
    with op.batch_alter_table("need", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_need_street_code"))
        batch_op.drop_index(batch_op.f("ix_need_status"))
        batch_op.drop_index(batch_op.f("ix_need_category_name"))

    op.drop_table("need")
    with op.batch_alter_table("credit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_event_org_id"))

    op.drop_table("credit_event")
    op.drop_table("organization")
