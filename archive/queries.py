"""The archive's read side: documents by date, a page as of a time, history and runs."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from archive.errors import UnknownDocument
from archive.models import Attachment, CrawlRun, Document, Event, RunProblem, Version
from archive.timeparse import format_date, format_time


@dataclass(frozen=True, kw_only=True)
class DocumentFilter:
    """Filters of `gongkai query`; every bound is inclusive and every field optional."""

    source: str | None = None
    published_from: dt.date | None = None
    published_to: dt.date | None = None
    changed_from: dt.datetime | None = None
    changed_to: dt.datetime | None = None
    first_seen_from: dt.datetime | None = None
    first_seen_to: dt.datetime | None = None
    status: str | None = None
    kind: str | None = None
    year: int | None = None


def _filtered(query: Select[Any], f: DocumentFilter) -> Select[Any]:
    conditions = []
    if f.source:
        conditions.append(Document.source_id == f.source)
    if f.published_from:
        conditions.append(Document.published >= f.published_from)
    if f.published_to:
        conditions.append(Document.published <= f.published_to)
    if f.changed_from:
        conditions.append(Document.last_changed_at >= f.changed_from)
    if f.changed_to:
        conditions.append(Document.last_changed_at <= f.changed_to)
    if f.first_seen_from:
        conditions.append(Document.first_seen_at >= f.first_seen_from)
    if f.first_seen_to:
        conditions.append(Document.first_seen_at <= f.first_seen_to)
    if f.status:
        conditions.append(Document.status == f.status)
    if f.kind:
        conditions.append(Document.report_kind == f.kind)
    if f.year:
        conditions.append(Document.report_year == f.year)
    return query.where(*conditions) if conditions else query


def find_documents(s: Session, f: DocumentFilter) -> list[Document]:
    """Documents matching the filter, newest publication first."""
    query = _filtered(select(Document), f).order_by(
        Document.published.desc().nulls_last(), Document.id
    )
    return list(s.execute(query).scalars())


def find_document(s: Session, ref: str) -> Document:
    """A document by numeric id or by URL; UnknownDocument if there is none."""
    doc: Document | None = None
    if ref.isdigit():
        doc = s.get(Document, int(ref))
    else:
        docs = list(s.execute(select(Document).where(Document.url == ref)).scalars())
        if len(docs) > 1:
            raise UnknownDocument(
                f"{len(docs)} documents have the URL {ref}; use an id: "
                + ", ".join(str(d.id) for d in docs)
            )
        doc = docs[0] if docs else None
    if doc is None:
        raise UnknownDocument(f"no document with id or URL {ref!r} in the archive")
    return doc


def attachments_of(s: Session, doc_ids: Sequence[int]) -> dict[int, list[Attachment]]:
    """Attachments of several documents in one query."""
    found: dict[int, list[Attachment]] = defaultdict(list)
    if doc_ids:
        rows = s.execute(
            select(Attachment).where(Attachment.document_id.in_(doc_ids)).order_by(Attachment.id)
        ).scalars()
        for att in rows:
            found[att.document_id].append(att)
    return found


def document_json(doc: Document, attachments: Sequence[Attachment] = ()) -> dict[str, Any]:
    """The document object of the CLI contract."""
    return {
        "id": doc.id,
        "source": doc.source_id,
        "url": doc.url,
        "title": doc.title,
        "published": format_date(doc.published),
        "doc_number": doc.doc_number,
        "index_number": doc.index_number,
        "publisher": doc.publisher,
        "report_kind": doc.report_kind,
        "report_year": doc.report_year,
        "status": doc.status,
        "first_seen": format_time(doc.first_seen_at),
        "last_seen": format_time(doc.last_seen_at),
        "last_changed": format_time(doc.last_changed_at),
        "versions": doc.version_count,
        "duplicate_of": doc.duplicate_of_id,
        "attachments": [{"name": a.name, "url": a.url} for a in attachments],
    }


def version_json(v: Version) -> dict[str, Any]:
    return {"n": v.n, "fetched_at": format_time(v.fetched_at), "sha256": v.text_sha256}


def get_version(s: Session, doc: Document, n: int | None = None) -> Version | None:
    """Version n of a document, or its latest."""
    query = select(Version).where(Version.document_id == doc.id)
    query = query.where(Version.n == n) if n is not None else query.order_by(Version.n.desc())
    return s.execute(query.limit(1)).scalar_one_or_none()


def version_as_of(s: Session, doc: Document, at: dt.datetime) -> Version | None:
    """The version that was current at a time: the last one fetched at or before it."""
    return s.execute(
        select(Version)
        .where(Version.document_id == doc.id, Version.fetched_at <= at)
        .order_by(Version.n.desc())
        .limit(1)
    ).scalar_one_or_none()


def history_json(s: Session, doc: Document) -> dict[str, Any]:
    """Versions and events of a document, oldest first."""
    versions = s.execute(
        select(Version.n, Version.fetched_at, Version.text_sha256)
        .where(Version.document_id == doc.id)
        .order_by(Version.n)
    ).all()
    events = s.execute(
        select(Event).where(Event.document_id == doc.id).order_by(Event.at, Event.id)
    ).scalars()
    return {
        "document": document_json(doc, attachments_of(s, [doc.id])[doc.id]),
        "versions": [
            {"n": v.n, "fetched_at": format_time(v.fetched_at), "sha256": v.text_sha256}
            for v in versions
        ],
        "events": [
            {
                "at": format_time(e.at),
                "kind": e.kind,
                "version": e.version_n,
                **({"detail": e.detail} if e.detail else {}),
            }
            for e in events
        ],
    }


def find_runs(s: Session, source: str | None = None) -> list[dict[str, Any]]:
    """Crawl runs, newest last, with the problems each recorded."""
    query = select(CrawlRun).order_by(CrawlRun.started_at, CrawlRun.id)
    if source:
        query = query.where(CrawlRun.source_id == source)
    runs = list(s.execute(query).scalars())
    problems: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if runs:
        rows = s.execute(
            select(RunProblem)
            .where(RunProblem.run_id.in_([r.id for r in runs]))
            .order_by(RunProblem.id)
        ).scalars()
        for p in rows:
            problems[p.run_id].append({"url": p.url, "kind": p.kind, "message": p.message})
    return [
        {
            "id": r.id,
            "source": r.source_id,
            "started_at": format_time(r.started_at),
            "finished_at": format_time(r.finished_at),
            "status": r.status,
            "pages": r.pages,
            "new_documents": r.new_documents,
            "new_versions": r.new_versions,
            "gone": r.gone,
            "errors": r.errors,
            "message": r.message,
            "problems": problems[r.id],
        }
        for r in runs
    ]
