"""Items the spider yields and the archive pipeline consumes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True, kw_only=True)
class FetchedPage:
    """A detail page answered with content."""

    source_id: str
    url: str
    status: int
    body: bytes
    headers: dict[str, str]
    fetched_at: dt.datetime
    listed_title: str | None = None
    listed_date: str | None = None
    cms: str | None = None  # the family whose listing named the page: a hint for extraction


@dataclass(frozen=True, kw_only=True)
class UnchangedPage:
    """A detail page answered 304 Not Modified."""

    source_id: str
    url: str
    fetched_at: dt.datetime
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class FetchedAttachment:
    """A file linked from an archived document, downloaded in full."""

    source_id: str
    document_url: str
    url: str
    name: str
    body: bytes
    content_type: str | None
    fetched_at: dt.datetime


@dataclass(frozen=True, kw_only=True)
class GonePage:
    """A detail page whose own URL said it is gone (404, 410, a soft 404, a redirect home)."""

    source_id: str
    url: str
    fetched_at: dt.datetime
    reason: str


@dataclass(frozen=True, kw_only=True)
class Problem:
    """Something that went wrong, to record on the run."""

    url: str | None
    kind: str
    message: str
