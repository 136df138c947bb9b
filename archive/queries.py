"""The archive's read side: documents by date and text, a page as of a time, history and runs."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from archive import asof
from archive.errors import BadQuery, UnknownDocument
from archive.models import (
    Attachment,
    CrawlRun,
    Document,
    Event,
    MetadataEdit,
    RunProblem,
    Version,
)
from archive.rows import (
    DOCUMENT_COLUMNS,
    VERSION_COLUMNS,
    AnyDocument,
    AnyVersion,
    DocumentRecord,
    VersionRecord,
)
from archive.search import contains_terms, matching_ids, snippet
from archive.segment import query_terms
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
    text: str | None = None
    as_of: dt.datetime | None = None
    limit: int | None = None


@dataclass(frozen=True, kw_only=True)
class DocumentHit:
    """A document a query found: with --as-of, its version and status at that time; with
    --text, a snippet of its text around the first word found."""

    document: AnyDocument
    version: AnyVersion | None = None
    status: str
    last_seen: dt.datetime
    snippet: str | None = None
    # with --as-of: metadata from an edit made after the version was fetched (see asof)
    edited_meta: dict[str, Any] | None = None


def _terms(f: DocumentFilter) -> list[str]:
    if f.text is None:
        return []
    terms = query_terms(f.text)
    if not terms:
        raise BadQuery("--text", f"{f.text!r} holds no words to search for")
    return terms


Q = TypeVar("Q", bound=Select[*tuple[Any, ...]])


def _filtered(query: Q, f: DocumentFilter) -> Q:
    # As of T, "last changed" is when the version current at T was fetched (the query joins it).
    changed = Version.fetched_at if f.as_of is not None else Document.last_changed_at
    conditions = []
    if f.source:
        conditions.append(Document.source_id == f.source)
    if f.published_from:
        conditions.append(Document.published >= f.published_from)
    if f.published_to:
        conditions.append(Document.published <= f.published_to)
    if f.changed_from:
        conditions.append(changed >= f.changed_from)
    if f.changed_to:
        conditions.append(changed <= f.changed_to)
    if f.first_seen_from:
        conditions.append(Document.first_seen_at >= f.first_seen_from)
    if f.first_seen_to:
        conditions.append(Document.first_seen_at <= f.first_seen_to)
    if f.status and f.as_of is None:
        conditions.append(Document.status == f.status)
    if f.kind:
        conditions.append(Document.report_kind == f.kind)
    if f.year:
        conditions.append(Document.report_year == f.year)
    return query.where(*conditions) if conditions else query


def _newest_first(query: Q) -> Q:
    return query.order_by(Document.published.desc().nulls_last(), Document.id)


def find_documents(s: Session, f: DocumentFilter) -> list[AnyDocument]:
    """Documents matching the filter, newest publication first."""
    return [hit.document for hit in query_documents(s, f)]


def _document(row: Any) -> DocumentRecord:
    return DocumentRecord(**row._mapping)


def query_documents(s: Session, f: DocumentFilter) -> list[DocumentHit]:
    """Documents matching the filter, newest publication first.

    With f.as_of, the archive as it stood then: documents first seen by then, each with the
    version current then; gone ones are left out unless f.status asks for them. With f.text,
    every word of it must occur: in the latest text (through the full-text index), or with
    f.as_of, in the text current then (read from the versions).
    """
    terms = _terms(f)
    if f.as_of is not None:
        return _query_as_of(s, f, f.as_of, terms)
    query = _newest_first(_filtered(select(*DOCUMENT_COLUMNS), f))
    if terms:
        dialect = s.get_bind().dialect.name
        query = query.where(Document.id.in_(matching_ids(dialect, terms)))
    if f.limit is not None:
        query = query.limit(f.limit)
    docs = [_document(row) for row in s.execute(query)]
    texts: dict[int, str] = {}
    if terms and docs:
        rows = s.execute(
            select(Version.document_id, Version.text)
            .join(Document, Document.id == Version.document_id)
            .where(Version.document_id.in_([d.id for d in docs]))
            .where(Version.n == Document.version_count)
        ).all()
        texts = {doc_id: body for doc_id, body in rows}
    return [
        DocumentHit(
            document=d,
            status=d.status,
            last_seen=d.last_seen_at,
            snippet=snippet(texts.get(d.id, ""), terms) if terms else None,
        )
        for d in docs
    ]


def _query_as_of(
    s: Session, f: DocumentFilter, at: dt.datetime, terms: list[str]
) -> list[DocumentHit]:
    status = asof.status_at(at).label("status_at")
    query = (
        select(*DOCUMENT_COLUMNS, *VERSION_COLUMNS, status, *([Version.text] if terms else []))
        .join(
            Version,
            (Version.document_id == Document.id) & (Version.n == asof.version_n_at(at)),
        )
        .where(Document.first_seen_at <= at)
    )
    query = _newest_first(_filtered(query, f))
    query = query.where(status == (f.status or "live"))
    if f.limit is not None and not terms:
        query = query.limit(f.limit)
    found: list[tuple[DocumentRecord, VersionRecord, str, str]] = []
    for row in s.execute(query):
        body = row.text if terms else ""
        if terms and not contains_terms(body, terms):
            continue
        fields = row._mapping
        doc = DocumentRecord(**{k: fields[k] for k in DocumentRecord.__dataclass_fields__})
        version = VersionRecord(**{k: fields[k] for k in VersionRecord.__dataclass_fields__})
        found.append((doc, version, row.status_at, body))
        if f.limit is not None and len(found) >= f.limit:
            break
    versions: dict[int, AnyVersion] = {doc.id: version for doc, version, _, _ in found}
    seen = asof.last_seen_by(s, [doc for doc, _, _, _ in found], versions, at)
    edited = asof.edited_meta_at(s, versions, at)
    return [
        DocumentHit(
            document=doc,
            version=version,
            status=state,
            last_seen=seen[doc.id],
            snippet=snippet(body, terms) if terms else None,
            edited_meta=edited.get(doc.id),
        )
        for doc, version, state, body in found
    ]


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


def moved_to_of(s: Session, doc_ids: Sequence[int]) -> dict[int, int]:
    """For documents that moved, the id of the document at their new URL."""
    if not doc_ids:
        return {}
    rows = s.execute(
        select(Document.moved_from_id, Document.id)
        .where(Document.moved_from_id.in_(doc_ids))
        .order_by(Document.id)
    ).all()
    return {old: new for old, new in rows if old is not None}


def duplicates_of(s: Session, doc_id: int) -> list[int]:
    """Ids of the documents marked as later copies of this one."""
    return list(
        s.execute(
            select(Document.id).where(Document.duplicate_of_id == doc_id).order_by(Document.id)
        ).scalars()
    )


def hit_json(
    hit: DocumentHit, attachments: Sequence[Attachment] = (), *, moved_to: int | None = None
) -> dict[str, Any]:
    """A query result: the document object, as it stood at --as-of if one was given."""
    out = document_json(hit.document, attachments, moved_to=moved_to)
    out["status"] = hit.status
    out["last_seen"] = format_time(hit.last_seen)
    if hit.version is not None:
        v = hit.version
        out.update(asof.meta_fields(hit.edited_meta or v.meta))
        out["versions"] = v.n
        out["last_changed"] = format_time(v.fetched_at)
        out["version"] = version_json(v)
    if hit.snippet is not None:
        out["snippet"] = hit.snippet
    return out


def hits_json(s: Session, hits: Sequence[DocumentHit]) -> list[dict[str, Any]]:
    """Query results with their attachments and move links, in three queries."""
    ids = [h.document.id for h in hits]
    atts = attachments_of(s, ids)
    moved = moved_to_of(s, ids)
    return [hit_json(h, atts[h.document.id], moved_to=moved.get(h.document.id)) for h in hits]


def document_json(
    doc: AnyDocument, attachments: Sequence[Attachment] = (), *, moved_to: int | None = None
) -> dict[str, Any]:
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
        "moved_from": doc.moved_from_id,
        "moved_to": moved_to,
        "attachments": [{"name": a.name, "url": a.url} for a in attachments],
    }


def version_json(v: AnyVersion) -> dict[str, Any]:
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
        .order_by(Version.fetched_at.desc(), Version.n.desc())
        .limit(1)
    ).scalar_one_or_none()


def history_json(s: Session, doc: Document) -> dict[str, Any]:
    """Versions, events and metadata edits of a document, oldest first."""
    versions = s.execute(
        select(Version.n, Version.fetched_at, Version.text_sha256)
        .where(Version.document_id == doc.id)
        .order_by(Version.n)
    ).all()
    events = s.execute(
        select(Event).where(Event.document_id == doc.id).order_by(Event.at, Event.id)
    ).scalars()
    edits = s.execute(
        select(MetadataEdit)
        .where(MetadataEdit.document_id == doc.id)
        .order_by(MetadataEdit.at, MetadataEdit.id)
    ).scalars()
    return {
        "document": document_json(
            doc, attachments_of(s, [doc.id])[doc.id], moved_to=moved_to_of(s, [doc.id]).get(doc.id)
        ),
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
        "metadata_edits": [
            {
                "at": format_time(m.at),
                "version": m.version_n,
                "changes": {k: {"old": old, "new": new} for k, (old, new) in m.changes.items()},
            }
            for m in edits
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
