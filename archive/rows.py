"""Documents and versions as the read side lists them: plain values, not ORM objects.

Loading a few hundred ORM objects costs more than the query that finds them (identity map,
instance state); listings read these instead. Their fields are the model attributes of the
same names, so code that only reads works with either.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from archive.models import Document, Version


@dataclass(frozen=True, kw_only=True, slots=True)
class DocumentRecord:
    """A document's row as listings show it: a value, read without the ORM's bookkeeping
    (which costs more than the query itself for a few hundred rows)."""

    id: int
    source_id: str
    url: str
    title: str | None
    published: dt.date | None
    doc_number: str | None
    index_number: str | None
    publisher: str | None
    report_kind: str | None
    report_year: int | None
    status: str
    first_seen_at: dt.datetime
    last_seen_at: dt.datetime
    last_changed_at: dt.datetime
    version_count: int
    duplicate_of_id: int | None
    moved_from_id: int | None


@dataclass(frozen=True, kw_only=True, slots=True)
class VersionRecord:
    """A version's identity and metadata, without its text."""

    n: int
    fetched_at: dt.datetime
    text_sha256: str
    meta: dict[str, Any]


DOCUMENT_COLUMNS = tuple(getattr(Document, name) for name in DocumentRecord.__dataclass_fields__)
VERSION_COLUMNS = tuple(getattr(Version, name) for name in VersionRecord.__dataclass_fields__)
AnyDocument = Document | DocumentRecord
AnyVersion = Version | VersionRecord
