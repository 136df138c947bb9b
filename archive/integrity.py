"""Checks that the archive is whole: what `gongkai check` runs, and what the crash tests assert.

The invariants every page write keeps (one transaction per page):
- the database file itself is sound (SQLite: PRAGMA integrity_check, foreign_key_check);
- every version belongs to a document, and a document's versions are numbered 1..n with
  n = its version_count, with no gaps and no repeats;
- every version has its raw response stored, and its first_seen / changed event;
- every document the index pass has reached (indexed_n set) is in the full-text index, and
  none is indexed at a version it doesn't have. Documents a crawl left for the index pass
  are not a problem; `gongkai check` reports how many wait.
With deep=True, every blob is also decompressed and its sha256 compared with its key, and
every version's text with its text_sha256.
"""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from archive.blobs import decompress
from archive.models import Blob, Document, Event, Version
from archive.normalize import sha256_hex
from archive.search import TABLE


def _sqlite_checks(s: Session) -> list[str]:
    problems: list[str] = []
    verdict = [row[0] for row in s.execute(text("PRAGMA integrity_check"))]
    if verdict != ["ok"]:
        problems.extend(f"SQLite integrity_check: {v}" for v in verdict)
    for row in s.execute(text("PRAGMA foreign_key_check")):
        problems.append(f"SQLite foreign_key_check: {row[0]} row {row[1]} -> {row[2]}")
    return problems


def check_archive(s: Session, *, deep: bool = False) -> list[str]:
    """Problems found, as one line each naming the document or version; empty if whole."""
    problems: list[str] = []
    if s.get_bind().dialect.name == "sqlite":
        problems.extend(_sqlite_checks(s))

    orphans = s.execute(
        select(Version.id, Version.document_id)
        .outerjoin(Document, Document.id == Version.document_id)
        .where(Document.id.is_(None))
    ).all()
    problems.extend(f"version {v} belongs to no document ({d})" for v, d in orphans)

    numbering = s.execute(
        select(
            Document.id,
            Document.version_count,
            func.count(Version.id),
            func.min(Version.n),
            func.max(Version.n),
            func.count(func.distinct(Version.n)),
        )
        .outerjoin(Version, Version.document_id == Document.id)
        .group_by(Document.id, Document.version_count)
    ).all()
    for doc_id, count, rows, low, high, distinct in numbering:
        if rows == 0:
            problems.append(f"document {doc_id} has no version")
        elif (low, high, distinct, rows) != (1, count, count, count):
            problems.append(
                f"document {doc_id}: versions numbered {low}..{high} ({rows} rows, "
                f"{distinct} distinct), but version_count is {count}"
            )

    missing_raw = s.execute(
        select(Version.document_id, Version.n, Version.raw_sha256)
        .outerjoin(Blob, Blob.sha256 == Version.raw_sha256)
        .where(Blob.sha256.is_(None))
    ).all()
    problems.extend(
        f"document {d} version {n}: raw response {sha} is not stored" for d, n, sha in missing_raw
    )

    has_event = (
        select(Event.id)
        .where(
            Event.document_id == Version.document_id,
            Event.version_n == Version.n,
            Event.kind.in_(("first_seen", "changed")),
        )
        .exists()
    )
    eventless = s.execute(select(Version.document_id, Version.n).where(~has_event)).all()
    problems.extend(
        f"document {d} version {n} has no first_seen/changed event" for d, n in eventless
    )

    key = "document_id" if s.get_bind().dialect.name == "postgresql" else "rowid"
    indexed = set(s.execute(text(f"SELECT {key} FROM {TABLE}")).scalars())
    reached = set(s.execute(select(Document.id).where(Document.indexed_n > 0)).scalars())
    problems.extend(
        f"document {d} is missing from the full-text index" for d in sorted(reached - indexed)
    )
    ahead = s.execute(
        select(Document.id).where(Document.indexed_n > Document.version_count)
    ).scalars()
    problems.extend(f"document {d} is indexed at a version it doesn't have" for d in ahead)

    if deep:
        for sha, codec, data in s.execute(select(Blob.sha256, Blob.codec, Blob.data)):
            raw = decompress(data) if codec == "zstd" else bytes(data)
            if sha256_hex(raw) != sha:
                problems.append(f"blob {sha}: its bytes hash to {sha256_hex(raw)}")
        for doc_id, n, body, sha in s.execute(
            select(Version.document_id, Version.n, Version.text, Version.text_sha256)
        ):
            if sha256_hex(body) != sha:
                problems.append(f"document {doc_id} version {n}: text does not match its sha256")
    return problems
