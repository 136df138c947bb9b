"""The archive as it stood at a time T: which documents existed, their status and version.

A document existed at T if it was first seen by T. Its version at T is the last one fetched
at or before T; its status at T is that of its last gone/back event at or before T (live if
none). Documents' metadata columns hold the latest values, so what a document said about
itself at T (title, dates, 文号) is read from its version's stored metadata instead, or from
a later metadata edit of that version made by T.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from archive.models import Document, Event, MetadataEdit, Version
from archive.rows import AnyDocument, AnyVersion

# Event kinds that are sightings of a live page, for "last seen" at T.
_SIGHTINGS = ("first_seen", "changed", "back")
_META_FIELDS = (
    "title",
    "published",
    "doc_number",
    "index_number",
    "publisher",
    "report_kind",
    "report_year",
)


def version_n_at(at: dt.datetime) -> Any:
    """Correlated subquery: the number of a document's version current at `at`, the last one
    fetched at or before it. Ordering by fetched_at (not max(n)) lets the (document_id,
    fetched_at, n) index answer it alone."""
    return (
        select(Version.n)
        .where(Version.document_id == Document.id, Version.fetched_at <= at)
        .order_by(Version.fetched_at.desc(), Version.n.desc())
        .limit(1)
        .correlate(Document)
        .scalar_subquery()
    )


def status_at(at: dt.datetime) -> ColumnElement[str]:
    """SQL expression: 'gone' if a document's last gone/back event by `at` is gone, else 'live'."""
    last = (
        select(Event.kind)
        .where(Event.document_id == Document.id, Event.kind.in_(("gone", "back")), Event.at <= at)
        .order_by(Event.at.desc(), Event.id.desc())
        .limit(1)
        .correlate(Document)
        .scalar_subquery()
    )
    return case((last == "gone", "gone"), else_="live")


def status_of(s: Session, doc: AnyDocument, at: dt.datetime) -> str:
    """A document's status at a time."""
    return str(s.execute(select(status_at(at)).where(Document.id == doc.id)).scalar_one())


def last_seen_by(
    s: Session, docs: Sequence[AnyDocument], versions: dict[int, AnyVersion], at: dt.datetime
) -> dict[int, dt.datetime]:
    """When each document was last known to be live, by `at`.

    The archive keeps only the latest sighting, so for a document seen since `at` this is
    the latest fact it can prove by then: its version's fetch or a later back event.
    """
    later = [d.id for d in docs if d.last_seen_at > at]
    events: dict[int, dt.datetime] = {}
    if later:
        rows = s.execute(
            select(Event.document_id, func.max(Event.at))
            .where(Event.document_id.in_(later), Event.kind.in_(_SIGHTINGS), Event.at <= at)
            .group_by(Event.document_id)
        ).all()
        events = {doc_id: when for doc_id, when in rows}
    out = {}
    for d in docs:
        if d.last_seen_at <= at:
            out[d.id] = d.last_seen_at
        else:
            fetched = versions[d.id].fetched_at
            out[d.id] = max(fetched, events.get(d.id, fetched))
    return out


def meta_fields(meta: dict[str, Any] | None) -> dict[str, Any]:
    """The document fields stored metadata gives (None values omitted)."""
    meta = meta or {}
    return {k: meta[k] for k in _META_FIELDS if meta.get(k) is not None}


def edited_meta_at(
    s: Session, versions: dict[int, AnyVersion], at: dt.datetime
) -> dict[int, dict[str, Any]]:
    """Metadata that replaced what each document's version at T said, by T: the latest
    metadata edit of that version (title, 发布日期 … changed, text not), per document."""
    if not versions:
        return {}
    rows = s.execute(
        select(MetadataEdit.document_id, MetadataEdit.version_n, MetadataEdit.meta)
        .where(MetadataEdit.document_id.in_(list(versions)), MetadataEdit.at <= at)
        .order_by(MetadataEdit.at, MetadataEdit.id)
    ).all()
    # oldest first, so each document keeps its latest edit
    return {doc_id: meta for doc_id, n, meta in rows if versions[doc_id].n == n}
