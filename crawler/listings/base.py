"""What a listing adapter reads and returns. Adapters know one CMS family's listing pages;
they don't touch Scrapy, so they are tested directly on saved pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True, kw_only=True)
class ListedItem:
    """A detail page named by a listing."""

    url: str
    title: str
    date: str | None = None


@dataclass(frozen=True, kw_only=True)
class Follow:
    """A further listing page to fetch, with what the adapter needs to read it."""

    url: str
    page: int
    method: str = "GET"
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    state: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class ListingPage:
    """One fetched listing page, decoded.

    `page` counts listing fetches from 1 (the start URL); the spider, not the adapter, stops
    at the seed's max_pages. `url_patterns` are the seed's match.url_patterns: where a seed
    names the shape of its detail URLs, adapters trust it over their own guess.
    """

    url: str
    text: str
    page: int = 1
    state: dict[str, Any] = field(default_factory=dict)
    url_patterns: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ListingResult:
    """Items found on a listing page and the pages to follow from it.

    `shell` explains why a page holds no items although the column has some (its items load
    by script); the run reports it instead of archiving the page.
    """

    items: tuple[ListedItem, ...] = ()
    follow: tuple[Follow, ...] = ()
    shell: str | None = None


class ListingAdapter(Protocol):
    """Reads one CMS family's listing pages."""

    name: str

    def parse(self, page: ListingPage) -> ListingResult: ...
