"""metadata edits: a page's title, 发布日期 or 文号 changed while its text did not

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

Versions are written only when the text changes; these rows keep the metadata changes in
between (with the raw page that showed them), so a backdated 发布日期 is on record.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "metadata_edits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("version_n", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("meta", sa.JSON(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("raw_sha256", sa.String(length=64), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_metadata_edits_document_id_documents")
        ),
        sa.ForeignKeyConstraint(
            ["raw_sha256"], ["blobs.sha256"], name=op.f("fk_metadata_edits_raw_sha256_blobs")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["crawl_runs.id"], name=op.f("fk_metadata_edits_run_id_crawl_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_metadata_edits")),
    )
    op.create_index("ix_metadata_edits_document_at", "metadata_edits", ["document_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_metadata_edits_document_at", table_name="metadata_edits")
    op.drop_table("metadata_edits")
