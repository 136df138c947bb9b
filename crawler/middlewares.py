"""Downloader middlewares of the gongkai project.

HaltWhenBlockedMiddleware drops every request still queued once the run has met an anti-bot
wall: Scrapy closes the spider, but requests already handed to the downloader would still be
sent, and a walled site must not be asked again.

BackoffRetryMiddleware replaces Scrapy's RetryMiddleware: the same retry decisions (timeouts,
dropped connections, HTTP 5xx/408/429; RETRY_TIMES), but each retry waits first, twice as
long as the one before, so that a struggling site is not hammered. The wait is a reactor
timer, so other sources' requests go on meanwhile.
"""

from __future__ import annotations

import logging
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import task

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

log = logging.getLogger("gongkai.crawl")


class HaltWhenBlockedMiddleware:
    """Refuses every request of a spider whose session says the run is blocked."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        session = getattr(self.crawler.spider, "session", None)
        blocked = getattr(session, "blocked", None)
        if blocked:
            raise IgnoreRequest(f"not sent: the run is blocked ({blocked})")


def backoff_delay(
    attempt: int, *, base: float, cap: float, retry_after: float | None = None
) -> float:
    """Seconds to wait before retry number `attempt` (1, 2, …): base, 2×base, 4×base, … up to
    cap; a server's Retry-After is honoured when it asks for longer (still up to cap).

    >>> [backoff_delay(n, base=2.0, cap=60.0) for n in (1, 2, 3, 6)]
    [2.0, 4.0, 8.0, 60.0]
    >>> backoff_delay(1, base=2.0, cap=60.0, retry_after=30.0)
    30.0
    """
    delay = min(cap, base * 2 ** (attempt - 1))
    if retry_after is not None:
        delay = max(delay, min(cap, retry_after))
    return delay


def retry_after_seconds(response: Response) -> float | None:
    """A Retry-After header as seconds (delta-seconds or an HTTP date), if present."""
    raw = response.headers.get("Retry-After")
    if not raw:
        return None
    value = raw.decode("latin-1").strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    date = response.headers.get("Date")
    now = parsedate_to_datetime(date.decode("latin-1")) if date else None
    if now is None or when.tzinfo is None or now.tzinfo is None:
        return None
    return max(0.0, (when - now).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries with exponential backoff (GONGKAI_RETRY_BACKOFF, _MAX seconds)."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.base = settings.getfloat("GONGKAI_RETRY_BACKOFF", 2.0)
        self.cap = settings.getfloat("GONGKAI_RETRY_BACKOFF_MAX", 60.0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls(crawler.settings)
        middleware.crawler = crawler
        return middleware

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        result = super().process_response(request, response)
        if isinstance(result, Request):
            await self._wait(result, retry_after_seconds(response))
        return result

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            await self._wait(result, None)
        return result

    async def _wait(self, retry: Request, retry_after: float | None) -> None:
        attempt = int(retry.meta.get("retry_times", 1))
        delay = backoff_delay(attempt, base=self.base, cap=self.cap, retry_after=retry_after)
        if delay <= 0:
            return
        log.info("retry %d of %s in %.1fs", attempt, retry.url, delay)
        from twisted.internet import reactor

        await maybe_deferred_to_future(task.deferLater(reactor, delay, lambda: None))  # type: ignore[arg-type]
