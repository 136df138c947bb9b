"""The archive: deduplicated versions, events and date queries over SQLAlchemy 2.

It imports nothing from the crawler or the scheduler; they write and read through this API.
"""

from archive.errors import (
    ArchiveError,
    BadQuery,
    DatabaseUnavailable,
    SchemaTooNew,
    UnknownDocument,
)
from archive.leases import LiveRun, SourceBusy
from archive.records import (
    AttachmentFile,
    AttachmentRef,
    Capture,
    HttpStateView,
    Outcome,
    PageMeta,
    PageRecord,
    RunCounts,
    Sighting,
    SourceInfo,
)
from archive.store import Archive

__all__ = [
    "Archive",
    "ArchiveError",
    "AttachmentFile",
    "AttachmentRef",
    "BadQuery",
    "Capture",
    "DatabaseUnavailable",
    "HttpStateView",
    "LiveRun",
    "Outcome",
    "PageMeta",
    "PageRecord",
    "RunCounts",
    "SchemaTooNew",
    "Sighting",
    "SourceBusy",
    "SourceInfo",
    "UnknownDocument",
]
