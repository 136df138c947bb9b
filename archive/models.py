"""SQLAlchemy 2 models of the archive.

Versions and blobs are append-only: nothing here updates or deletes them. Documents carry the
latest known metadata and status; events record every change of state with its time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware UTC datetimes on every backend (SQLite keeps no offset, so we restore it)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} given to the archive; pass an aware one")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Source(Base):
    """A seed as last seen by a crawl, so runs and documents can join on it."""

    __tablename__ = "sources"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    cms: Mapped[str | None] = mapped_column(String(30))
    schedule: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Blob(Base):
    """Raw bytes stored once per distinct content, zstd-compressed."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    codec: Mapped[str] = mapped_column(String(10))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Document(Base):
    """One report or notice, keyed by its URL within a source."""

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("source_id", "url"),
        Index("ix_documents_published", "published"),
        Index("ix_documents_first_seen_at", "first_seen_at"),
        Index("ix_documents_last_changed_at", "last_changed_at"),
        Index("ix_documents_duplicate_of_id", "duplicate_of_id"),
        Index("ix_documents_moved_from_id", "moved_from_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id"), index=True)
    url: Mapped[str] = mapped_column(String(2048), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    published: Mapped[dt.date | None] = mapped_column(Date)
    written: Mapped[dt.date | None] = mapped_column(Date)
    doc_number: Mapped[str | None] = mapped_column(String(200))
    index_number: Mapped[str | None] = mapped_column(String(200))
    publisher: Mapped[str | None] = mapped_column(String(300))
    report_kind: Mapped[str | None] = mapped_column(String(100), index=True)
    report_year: Mapped[int | None] = mapped_column(Integer, index=True)
    status: Mapped[str] = mapped_column(String(10), default="live")
    first_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    version_count: Mapped[int] = mapped_column(Integer, default=0)
    simhash: Mapped[int | None] = mapped_column(BigInteger)
    # The version the search and copy indexes were built from (behind version_count while
    # an index pass is due).
    indexed_n: Mapped[int | None] = mapped_column(Integer)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    moved_from_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))

    versions: Mapped[list[Version]] = relationship(
        back_populates="document", order_by="Version.n", lazy="raise"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="document", order_by="Attachment.id", lazy="raise"
    )


class Version(Base):
    """An immutable distinct text of a document, numbered 1, 2, ... per document."""

    __tablename__ = "versions"
    __table_args__ = (
        UniqueConstraint("document_id", "n"),
        Index("ix_versions_document_fetched_n", "document_id", "fetched_at", "n"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    n: Mapped[int] = mapped_column(Integer)
    fetched_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    text_sha256: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON)
    raw_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"))
    http_status: Mapped[int | None] = mapped_column(Integer)
    http_headers: Mapped[dict[str, str] | None] = mapped_column(JSON)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))

    document: Mapped[Document] = relationship(back_populates="versions", lazy="raise")


class DocumentBand(Base):
    """One 16-bit band of a document's simhash, so near-duplicates are found by index.

    Only documents long enough to be compared (archive.copies.MIN_CHARS) have bands.
    """

    __tablename__ = "document_bands"
    __table_args__ = (Index("ix_document_bands_band_value", "band", "value"),)

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    band: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


# The full-text index, `document_search`, is not a model: it is an FTS5 virtual table on
# SQLite and a tsvector table on PostgreSQL, created by migration 0002 and used through
# archive.search.


class Attachment(Base):
    """A file linked from a document, stored content-addressed once downloaded."""

    __tablename__ = "attachments"
    __table_args__ = (UniqueConstraint("document_id", "url"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    url: Mapped[str] = mapped_column(String(2048))
    name: Mapped[str] = mapped_column(Text)
    first_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    blob_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"))
    content_type: Mapped[str | None] = mapped_column(String(200))
    fetched_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    text: Mapped[str | None] = mapped_column(Text)

    document: Mapped[Document] = relationship(back_populates="attachments", lazy="raise")


class Event(Base):
    """A change of a document's state: first_seen, changed, gone, back or moved."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_document_at_kind", "document_id", "at", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    kind: Mapped[str] = mapped_column(String(20))
    version_n: Mapped[int | None] = mapped_column(Integer)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    detail: Mapped[str | None] = mapped_column(Text)


class MetadataEdit(Base):
    """A page's metadata (title, 发布日期, 文号 …) changed while its text did not.

    Not a version (versions are text), but kept with the raw page that showed it, so that a
    quietly backdated 发布日期 is on record, and `show --as-of` gives the value of its time.
    """

    __tablename__ = "metadata_edits"
    __table_args__ = (Index("ix_metadata_edits_document_at", "document_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    version_n: Mapped[int] = mapped_column(Integer)  # the version whose text was unchanged
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON)  # all fields as seen, like Version.meta
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)  # field -> [old, new]
    raw_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))


class CrawlRun(Base):
    """One crawl of one source."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id"), index=True)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default="running")
    pages: Mapped[int] = mapped_column(Integer, default=0)
    new_documents: Mapped[int] = mapped_column(Integer, default=0)
    new_versions: Mapped[int] = mapped_column(Integer, default=0)
    gone: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(Text)
    # the claim on the source while running: "host:pid", renewed by heartbeats
    holder: Mapped[str | None] = mapped_column(String(300))
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class RunProblem(Base):
    """Something that went wrong during a run, with the URL it concerns."""

    __tablename__ = "run_problems"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    url: Mapped[str | None] = mapped_column(String(2048))
    kind: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)


class HttpState(Base):
    """What the last fetch of a URL returned, for conditional GETs and skipping extraction."""

    __tablename__ = "http_state"

    url: Mapped[str] = mapped_column(String(2048), primary_key=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id"), index=True)
    etag: Mapped[str | None] = mapped_column(String(300))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    raw_sha256: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[int | None] = mapped_column(Integer)
    checked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
