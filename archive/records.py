"""Value objects the crawler hands to the archive, and what the archive answers."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field


@dataclass(frozen=True, kw_only=True)
class PageMeta:
    """Metadata read from a page, kept with each version."""

    title: str | None = None
    published: dt.date | None = None
    written: dt.date | None = None
    doc_number: str | None = None
    index_number: str | None = None
    publisher: str | None = None
    report_kind: str | None = None
    report_year: int | None = None

    def to_json(self) -> dict[str, object]:
        """JSON-ready form, dates as YYYY-MM-DD."""
        return {
            "title": self.title,
            "published": self.published.isoformat() if self.published else None,
            "written": self.written.isoformat() if self.written else None,
            "doc_number": self.doc_number,
            "index_number": self.index_number,
            "publisher": self.publisher,
            "report_kind": self.report_kind,
            "report_year": self.report_year,
        }


@dataclass(frozen=True, kw_only=True)
class AttachmentRef:
    """An attachment link seen on a page."""

    name: str
    url: str


@dataclass(frozen=True, kw_only=True)
class Capture:
    """One HTTP response for a URL, as fetched."""

    source_id: str
    url: str
    fetched_at: dt.datetime
    status: int
    raw: bytes
    raw_sha256: str
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, kw_only=True)
class PageRecord:
    """An extracted page, ready to archive.

    `search_text` and `simhash` are what archive.textindex.index_text(text) returns. They
    are optional: a crawler may compute them in a worker process to keep jieba off its
    event loop; when absent, the archive computes them itself, and only when the page's
    text changed. With `defer_index` the archive skips both and leaves the document for
    Archive.index_pending(), which a crawl runs once its fetching is done.
    """

    capture: Capture
    text: str
    meta: PageMeta
    attachments: tuple[AttachmentRef, ...] = ()
    run_id: int | None = None
    search_text: str | None = None
    simhash: int | None = None
    defer_index: bool = False


@dataclass(frozen=True, kw_only=True)
class SourceInfo:
    """The parts of a seed the archive keeps."""

    id: str
    name: str
    cms: str | None = None
    schedule: str | None = None


@dataclass(frozen=True, kw_only=True)
class HttpStateView:
    """The validators and raw hash of a URL's last fetch."""

    url: str
    etag: str | None
    last_modified: str | None
    raw_sha256: str | None


@dataclass(frozen=True, kw_only=True)
class Sighting:
    """A fetch that found a page unchanged (304, or the same raw bytes)."""

    source_id: str
    url: str
    at: dt.datetime
    run_id: int | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, kw_only=True)
class AttachmentFile:
    """A downloaded attachment, with the text a library could extract from it."""

    source_id: str
    document_url: str
    url: str
    name: str
    data: bytes
    fetched_at: dt.datetime
    content_type: str | None = None
    text: str | None = None


class Outcome(enum.StrEnum):
    """What archiving a page did."""

    NEW_DOCUMENT = "new_document"
    NEW_VERSION = "new_version"
    UNCHANGED = "unchanged"
    BACK = "back"
    BACK_CHANGED = "back_changed"

    @property
    def wrote_version(self) -> bool:
        return self in (Outcome.NEW_DOCUMENT, Outcome.NEW_VERSION, Outcome.BACK_CHANGED)


@dataclass(kw_only=True)
class RunCounts:
    """Tallies kept during a run."""

    pages: int = 0
    new_documents: int = 0
    new_versions: int = 0
    gone: int = 0
    errors: int = 0

    def add(self, outcome: Outcome) -> None:
        """Count an archived page."""
        self.pages += 1
        if outcome is Outcome.NEW_DOCUMENT:
            self.new_documents += 1
        elif outcome.wrote_version:
            self.new_versions += 1
