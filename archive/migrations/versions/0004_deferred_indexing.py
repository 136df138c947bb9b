"""deferred indexing: which version of each document the search and copy indexes hold

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

A crawl may archive a version without segmenting it (jieba costs more CPU per page than
fetching it); `indexed_n` says which version the full-text and near-duplicate indexes were
built from, so an index pass can find the documents still to do. Every document archived
before this revision was indexed when it was written.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("indexed_n", sa.Integer(), nullable=True))
    op.execute("UPDATE documents SET indexed_n = version_count")


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("indexed_n")
