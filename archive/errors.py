"""Errors raised by the archive.

ArchiveError
 ├── DatabaseUnavailable   the database can't be opened or reached
 ├── SchemaTooNew          the database was migrated by a newer gongkai
 ├── UnknownDocument       no document has that id or URL
 ├── BadQuery              a filter or time value can't be used
 └── SourceBusy            another crawl holds the source (archive.leases)
"""

from __future__ import annotations


class ArchiveError(Exception):
    """Base class of archive errors."""


class DatabaseUnavailable(ArchiveError):
    """The database can't be opened or reached."""


class SchemaTooNew(ArchiveError):
    """The database's schema revision is unknown to this version of gongkai."""


class UnknownDocument(ArchiveError):
    """No document matches the id or URL given."""


class BadQuery(ArchiveError):
    """A query parameter is malformed; carries the option name."""

    def __init__(self, option: str, problem: str) -> None:
        self.option = option
        super().__init__(f"{option}: {problem}")
