"""ReportSpider: crawls one source's listing pages and the detail pages they name.

It also revisits every document the archive already holds for the source, because a
withdrawal is only believed when the document's own URL says so: a listing that fails, or an
item that drops off page 1, says nothing about the document.

What each response is decides what happens to it (see crawler.pagekinds):
    anti-bot wall (412 + 瑞数 $_ts, 403 JS challenge, WAF page)  → run blocked, crawl stops
    304                                                       → sighting
    404 / 410 / soft 404 / redirect to the home page          → gone (detail pages only)
    listing shell (items load by script)                      → problem on the run
    empty, malformed, other HTTP errors, download failures    → problem on the run
    a detail page with content                                → extraction and the archive
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider
from scrapy.http import Response, TextResponse
from twisted.internet.task import LoopingCall
from twisted.python.failure import Failure

from archive import Archive
from crawler.decoding import response_text
from crawler.items import FetchedAttachment, FetchedPage, GonePage, Problem, UnchangedPage
from crawler.listings import ListingPage, adapter_for, detect_cms, shell_reason
from crawler.pagekinds import (
    antibot_signature,
    is_home_redirect,
    looks_soft_404,
    malformed_reason,
)
from crawler.seeds import Seed, load_seeds
from crawler.session import CrawlSession
from crawler.workers import WorkerPool

GONE_STATUSES = (404, 410)
# Statuses the callbacks judge themselves (redirects stay with RedirectMiddleware; 5xx come
# here only once BackoffRetryMiddleware has given up on them).
JUDGED_STATUSES = [304, 400, 401, 403, 404, 405, 410, 412, 429, 451, 500, 502, 503, 504, 521]
MB = 1024 * 1024
LISTING_PRIORITY, DETAIL_PRIORITY, ATTACHMENT_PRIORITY, KNOWN_PRIORITY = 100, 10, 5, -10


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _headers(response: Response) -> dict[str, str]:
    return {
        k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in response.headers.items()
    }


# Download failures by exception class name (Scrapy's own, Twisted's, the standard library's).
FAILURE_KINDS = {
    "DownloadTimeoutError": "timeout",
    "TimeoutError": "timeout",
    "TCPTimedOutError": "timeout",
    "DownloadConnectionRefusedError": "connection-refused",
    "ConnectionRefusedError": "connection-refused",
    "CannotResolveHostError": "dns",
    "DNSLookupError": "dns",
    "ResponseDataLossError": "truncated",
    "DownloadCancelledError": "too-large",
    "ConnectionLost": "connection-lost",
    "ConnectionDone": "connection-lost",
    "ResponseNeverReceived": "connection-lost",
    "DownloadFailedError": "connection-lost",
    "HttpError": "http",
}


def first_url(request: scrapy.Request) -> str:
    """The URL a request chain started from, before any redirect."""
    return str(request.meta.get("redirect_urls", [request.url])[0])


def failure_kind(failure: Failure) -> str:
    """A short name for a download failure, as recorded on the run."""
    exc = failure.value
    name = type(exc).__name__
    if name == "IgnoreRequest":
        text = str(exc).lower()
        if "redirect" in text:
            return "redirect-loop"
        if "robots" in text:
            return "robots"
        return "ignored"
    if name == "ResponseFailed" and "DataLoss" in repr(exc):
        return "truncated"
    # Scrapy cancels a download only when it outgrows DOWNLOAD_MAXSIZE (by Content-Length or
    # by the bytes received); the exception carries no message to tell.
    return FAILURE_KINDS.get(name, name)


def failure_message(failure: Failure, *, max_size_mb: float) -> str:
    """What to say on the run about a download failure."""
    kind = failure_kind(failure)
    detail = failure.getErrorMessage()
    if kind == "too-large":
        return f"too-large: the response is larger than max_size_mb={max_size_mb:g}; not archived"
    if kind == "truncated":
        return f"truncated: the download was cut off ({detail}); not archived"
    if kind == "redirect-loop":
        return "redirect-loop: too many redirects (the URL redirects in a loop)"
    if kind == "robots":
        return "robots: robots.txt forbids this URL; not fetched"
    if kind == "http":
        response = getattr(failure.value, "response", None)
        status = getattr(response, "status", None)
        return f"http: HTTP {status}" if status else f"http: {detail}"
    return f"{kind}: {detail}"


class ReportSpider(scrapy.Spider):
    """Crawl one seed: `scrapy crawl reports -a source=ID`, or given a Seed by gongkai."""

    name = "reports"
    session: CrawlSession
    heartbeats: LoopingCall
    workers: WorkerPool | None = None
    allowed_domains: list[str]
    owns_archive = False

    def __init__(self, source: str | None = None, seed: Seed | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.source = source
        self.seed = seed

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ReportSpider:
        archive: Archive | None = kwargs.pop("archive", None)
        on_progress = kwargs.pop("on_progress", None)
        workers: WorkerPool | None = kwargs.pop("workers", None)
        spider: ReportSpider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        if spider.seed is None:
            if not spider.source:
                raise CloseSpider("pass the source to crawl: scrapy crawl reports -a source=ID")
            spider.seed = load_seeds(Path(settings.get("GONGKAI_SEEDS")), [spider.source])[0]
        seed = spider.seed
        # Spiders may still change settings in from_crawler; this is where the seed's
        # politeness overrides the project defaults.
        settings.set("DOWNLOAD_DELAY", seed.delay, priority="spider")
        settings.set("AUTOTHROTTLE_START_DELAY", max(seed.delay, 0.1), priority="spider")
        settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", seed.concurrency, priority="spider")
        # Scrapy hands the downloader up to CONCURRENT_REQUESTS requests at once, and those
        # are sent even after the spider closes; with no more than can be in flight, a
        # blocked run stops at once (HaltWhenBlockedMiddleware drops the rest).
        settings.set(
            "CONCURRENT_REQUESTS", seed.concurrency * max(1, len(seed.hosts)), priority="spider"
        )
        settings.set("ROBOTSTXT_OBEY", seed.robots, priority="spider")
        settings.set("DOWNLOAD_MAXSIZE", int(seed.max_size_mb * MB), priority="spider")
        settings.set("DOWNLOAD_WARNSIZE", int(min(seed.max_size_mb, 10) * MB), priority="spider")
        settings.set("DOWNLOAD_TIMEOUT", seed.download_timeout, priority="spider")
        settings.set("RETRY_TIMES", seed.retries, priority="spider")
        settings.set("GONGKAI_RETRY_BACKOFF", seed.retry_backoff, priority="spider")
        if seed.delay == 0:
            settings.set("AUTOTHROTTLE_ENABLED", False, priority="spider")
            settings.set("DOWNLOAD_DELAY_JITTER", 0, priority="spider")
        spider.allowed_domains = list(seed.hosts)
        spider.workers = workers
        owns_archive = archive is None
        if archive is None:
            archive = Archive.open(settings.get("GONGKAI_DB"))
        spider.session = CrawlSession(seed, archive, on_progress=on_progress)
        spider.owns_archive = owns_archive
        spider.session.begin()
        spider.heartbeats = LoopingCall(spider.session.heartbeat)
        spider.heartbeats.start(settings.getfloat("GONGKAI_HEARTBEAT"), now=False)
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        return spider

    def _closed(self, spider: scrapy.Spider, reason: str) -> None:
        if self.heartbeats.running:
            self.heartbeats.stop()
        self.session.finish(reason)
        if self.owns_archive:
            self.session.archive.close()

    def _block(self, url: str, signature: str) -> None:
        """Stop at the first wall: the run is blocked, and no further request is sent."""
        self.session.blocked = f"blocked at {url}: {signature}"
        raise CloseSpider("blocked")

    # -- requests --------------------------------------------------------------------

    def _detail_request(
        self,
        url: str,
        *,
        title: str | None = None,
        date: str | None = None,
        cms: str | None = None,
        priority: int = DETAIL_PRIORITY,
    ) -> scrapy.Request:
        headers = {}
        state = self.session.http_states.get(url)
        if state is not None and self.session.known.get(url) == "live":
            if state.etag:
                headers["If-None-Match"] = state.etag
            if state.last_modified:
                headers["If-Modified-Since"] = state.last_modified
        self.session.requested.add(url)
        # dont_filter: the spider dedupes detail URLs itself; Scrapy's filter would silently
        # drop a page that redirects to itself instead of reporting the loop.
        return scrapy.Request(
            url,
            callback=self.parse_detail,
            errback=self.detail_failed,
            headers=headers,
            priority=priority,
            dont_filter=True,
            meta={
                "listed_title": title,
                "listed_date": date,
                "cms": cms,
                "handle_httpstatus_list": JUDGED_STATUSES,
            },
        )

    def _listing_request(
        self,
        url: str,
        *,
        page: int,
        method: str = "GET",
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        state: dict[str, Any] | None = None,
        cms: str | None = None,
    ) -> scrapy.Request | None:
        key = (method, url, body or b"")
        if key in self.session.listings_requested:
            return None
        self.session.listings_requested.add(key)
        return scrapy.Request(
            url,
            method=method,
            body=body,
            headers=headers,
            callback=self.parse_listing,
            errback=self.listing_failed,
            priority=LISTING_PRIORITY - page,
            dont_filter=True,
            meta={
                "page": page,
                "start": page == 1,
                "state": state or {},
                "cms": cms,
                "handle_httpstatus_list": JUDGED_STATUSES,
            },
        )

    def attachment_request(self, url: str, *, name: str, document_url: str) -> scrapy.Request:
        """A request for a file linked from an archived document."""
        return scrapy.Request(
            url,
            callback=self.parse_attachment,
            errback=self.attachment_failed,
            priority=ATTACHMENT_PRIORITY,
            dont_filter=True,
            meta={"name": name, "document_url": document_url},
        )

    async def start(self) -> AsyncIterator[Any]:
        for url in self.session.seed.start_urls:
            request = self._listing_request(url, page=1)
            if request is not None:
                yield request
        for url in self.session.known:
            self.session.requested.add(url)
        for url in self.session.known:
            yield self._detail_request(url, priority=KNOWN_PRIORITY)

    # -- listings --------------------------------------------------------------------

    def _listing_problem(
        self, response_url: str, meta: dict[str, Any], kind: str, message: str
    ) -> Problem:
        if meta.get("start"):
            self.session.failed = f"{response_url}: {message}"
        return Problem(url=response_url, kind=kind, message=message)

    def parse_listing(self, response: Response) -> Iterator[Any]:
        session, seed = self.session, self.session.seed
        meta = response.meta
        text = response_text(response) if isinstance(response, TextResponse) else ""
        signature = antibot_signature(response.status, text)
        # A 200 app shell keeps 瑞数's markers once past the wall; its template says it is a
        # shell (reported below), not the challenge page itself.
        if signature and not (response.status == 200 and shell_reason(text)):
            self._block(response.url, signature)
        if response.status >= 400 or response.status == 304:
            yield self._listing_problem(
                response.url, meta, "listing-http", f"listing page answered HTTP {response.status}"
            )
            return
        if not response.body.strip():
            yield self._listing_problem(
                response.url,
                meta,
                "listing-empty-body",
                "the listing page answered with no content",
            )
            return
        broken = malformed_reason(response.body, text)
        if broken:
            yield self._listing_problem(response.url, meta, "listing-malformed", broken)
            return
        session.listing_pages += 1
        page_no = meta["page"]
        cms = seed.cms or meta.get("cms") or detect_cms(text)
        result = adapter_for(cms).parse(
            ListingPage(
                url=response.url,
                text=text,
                page=page_no,
                state=meta.get("state", {}),
                url_patterns=seed.match.url_patterns,
            )
        )
        if not result.items:
            shell = result.shell or shell_reason(text)
            if shell:
                session.shell = shell
                yield Problem(url=response.url, kind="listing-shell", message=shell)
            elif page_no == 1:
                yield Problem(
                    url=response.url,
                    kind="listing-empty",
                    message=f"no items found on the listing page ({cms} adapter)",
                )
            return  # a page with no items ends the pagination, whatever its pager claims
        fresh = 0
        for item in result.items:
            host = urlsplit(item.url).hostname or ""
            if host not in seed.hosts or item.url in session.listed:
                continue
            if not seed.match.keeps(title=item.title, url=item.url):
                continue
            session.listed.add(item.url)
            fresh += 1
            if item.url not in session.requested:
                yield self._detail_request(item.url, title=item.title, date=item.date, cms=cms)
        if not fresh and page_no > 1 and all(i.url in session.listed for i in result.items):
            if result.follow:
                yield Problem(
                    url=response.url,
                    kind="pagination-loop",
                    message=f"listing page {page_no} repeats items already seen; pagination "
                    "stopped here",
                )
            return
        for follow in result.follow:
            if follow.page > seed.max_pages:
                yield Problem(
                    url=follow.url,
                    kind="max-pages",
                    message=f"stopped after max_pages={seed.max_pages} listing pages; the "
                    "pager still offers this page",
                )
                continue
            request = self._listing_request(
                follow.url,
                page=follow.page,
                method=follow.method,
                body=follow.body,
                headers=follow.headers,
                state=follow.state,
                cms=cms,
            )
            if request is not None:
                yield request

    def listing_failed(self, failure: Failure) -> Iterator[Problem]:
        if self.session.blocked:
            return  # requests dropped after the wall are not problems of their own
        request = failure.request  # type: ignore[attr-defined]
        message = failure_message(failure, max_size_mb=self.session.seed.max_size_mb)
        yield self._listing_problem(
            first_url(request), request.meta, failure_kind(failure), message
        )

    # -- detail pages ----------------------------------------------------------------

    def parse_detail(self, response: Response) -> Iterator[Any]:
        source = self.session.source_id
        url = first_url(response.request) if response.request else response.url
        now = _now()
        if response.status == 304:
            yield UnchangedPage(
                source_id=source, url=url, fetched_at=now, headers=_headers(response)
            )
            return
        text = response_text(response) if isinstance(response, TextResponse) else ""
        signature = antibot_signature(response.status, text)
        if signature:
            self._block(url, signature)
        if response.status in GONE_STATUSES:
            yield GonePage(
                source_id=source, url=url, fetched_at=now, reason=f"HTTP {response.status}"
            )
            return
        if is_home_redirect(url, response.url):
            yield GonePage(
                source_id=source,
                url=url,
                fetched_at=now,
                reason=f"redirected to the home page {response.url}",
            )
            return
        if response.status >= 400:
            yield Problem(url=url, kind="http", message=f"HTTP {response.status}; nothing archived")
            return
        if not response.body.strip():
            yield Problem(
                url=url,
                kind="empty-body",
                message="the page answered with no content; nothing archived",
            )
            return
        broken = (
            malformed_reason(response.body, text) if isinstance(response, TextResponse) else None
        )
        if broken or not isinstance(response, TextResponse):
            yield Problem(
                url=url,
                kind="malformed",
                message=f"{broken or 'the response is not a web page'}; nothing archived",
            )
            return
        if looks_soft_404(text):
            yield GonePage(
                source_id=source,
                url=url,
                fetched_at=now,
                reason="the page says it does not exist (soft 404)",
            )
            return
        yield FetchedPage(
            source_id=source,
            url=url,
            status=response.status,
            body=response.body,
            headers=_headers(response),
            fetched_at=now,
            listed_title=response.meta.get("listed_title"),
            listed_date=response.meta.get("listed_date"),
            cms=response.meta.get("cms"),
        )

    def detail_failed(self, failure: Failure) -> Iterator[Problem]:
        if self.session.blocked:
            return
        request = failure.request  # type: ignore[attr-defined]
        yield Problem(
            url=first_url(request),
            kind=failure_kind(failure),
            message=failure_message(failure, max_size_mb=self.session.seed.max_size_mb),
        )

    # -- attachments -----------------------------------------------------------------

    def parse_attachment(self, response: Response) -> Iterator[FetchedAttachment]:
        ctype = response.headers.get("Content-Type")
        yield FetchedAttachment(
            source_id=self.session.source_id,
            document_url=response.meta["document_url"],
            url=first_url(response.request) if response.request else response.url,
            name=response.meta["name"],
            body=response.body,
            content_type=ctype.decode("latin-1") if ctype else None,
            fetched_at=_now(),
        )

    def attachment_failed(self, failure: Failure) -> Iterator[Problem]:
        if self.session.blocked:
            return
        request = failure.request  # type: ignore[attr-defined]
        kind = failure_kind(failure)
        yield Problem(
            url=first_url(request),
            kind=f"attachment-{kind}",
            message=f"attachment of {request.meta.get('document_url')}: "
            + failure_message(failure, max_size_mb=self.session.seed.max_size_mb),
        )
