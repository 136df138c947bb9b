"""full-text search, simhash bands, link indexes

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02

Adds the full-text table (FTS5 on SQLite, tsvector + GIN on PostgreSQL; see archive.search),
the simhash bands that find near-duplicates by index, and indexes on the duplicate/move
links. Documents already archived are indexed from their latest version here. The backfill
uses plain SQL on named columns, not the ORM models, so that it keeps working when later
revisions add columns.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from archive import search
from archive.copies import long_enough
from archive.simhash import bands, to_signed
from archive.textindex import index_text

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_bands",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("band", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_document_bands_document_id_documents"),
        ),
        sa.PrimaryKeyConstraint("document_id", "band", name=op.f("pk_document_bands")),
    )
    op.create_index("ix_document_bands_band_value", "document_bands", ["band", "value"])
    op.create_index("ix_documents_duplicate_of_id", "documents", ["duplicate_of_id"])
    op.create_index("ix_documents_moved_from_id", "documents", ["moved_from_id"])
    conn = op.get_bind()
    search.create_table(conn)
    _backfill(conn)


def _backfill(conn: sa.Connection) -> None:
    rows = conn.execute(
        sa.text(
            "SELECT d.id, d.title, v.text FROM documents d "
            "JOIN versions v ON v.document_id = d.id AND v.n = d.version_count"
        )
    ).all()
    for doc_id, title, body in rows:
        index = index_text(body)
        search.index_document(conn, doc_id, title=title, search_text=index.search_text)
        conn.execute(
            sa.text("UPDATE documents SET simhash = :h WHERE id = :id"),
            {"h": to_signed(index.simhash), "id": doc_id},
        )
        if long_enough(body):
            conn.execute(
                sa.text(
                    "INSERT INTO document_bands (document_id, band, value) "
                    "VALUES (:id, :band, :value)"
                ),
                [
                    {"id": doc_id, "band": i, "value": value}
                    for i, value in enumerate(bands(index.simhash))
                ],
            )


def downgrade() -> None:
    search.drop_table(op.get_bind())
    op.drop_index("ix_documents_moved_from_id", "documents")
    op.drop_index("ix_documents_duplicate_of_id", "documents")
    op.drop_index("ix_document_bands_band_value", "document_bands")
    op.drop_table("document_bands")
