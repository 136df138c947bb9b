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
from archive.records import (
    AttachmentRef,
    Capture,
    HttpStateView,
    Outcome,
    PageMeta,
    PageRecord,
    RunCounts,
    SourceInfo,
)
from archive.store import Archive

__all__ = [
    "Archive",
    "ArchiveError",
    "AttachmentRef",
    "BadQuery",
    "Capture",
    "DatabaseUnavailable",
    "HttpStateView",
    "Outcome",
    "PageMeta",
    "PageRecord",
    "RunCounts",
    "SchemaTooNew",
    "SourceInfo",
    "UnknownDocument",
]
