"""ReportSpider: crawls one source's listing pages and the detail pages they name.

It also revisits every document the archive already holds for the source, because a
withdrawal is only believed when the document's own URL says so.
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
from twisted.python.failure import Failure

from archive import Archive
from crawler.decoding import response_text
from crawler.items import FetchedPage, GonePage, Problem, UnchangedPage
from crawler.listings import ListingPage, adapter_for, detect_cms
from crawler.pagekinds import antibot_signature, is_home_redirect, looks_soft_404
from crawler.seeds import Seed, load_seeds
from crawler.session import CrawlSession

GONE_STATUSES = (404, 410)
MB = 1024 * 1024


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _headers(response: Response) -> dict[str, str]:
    return {
        k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in response.headers.items()
    }


def failure_kind(failure: Failure) -> str:
    """A short name for a download failure, as recorded on the run."""
    name = type(failure.value).__name__
    return {
        "TimeoutError": "timeout",
        "TCPTimedOutError": "timeout",
        "ConnectionRefusedError": "connection-refused",
        "DNSLookupError": "dns",
        "ConnectionLost": "connection-lost",
        "ResponseNeverReceived": "connection-lost",
        "HttpError": "http-error",
        "IgnoreRequest": "ignored",
    }.get(name, name)


class ReportSpider(scrapy.Spider):
    """Crawl one seed: `scrapy crawl reports -a source=ID`, or given a Seed by gongkai."""

    name = "reports"
    session: CrawlSession

    def __init__(self, source: str | None = None, seed: Seed | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.source = source
        self.seed = seed

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ReportSpider:
        archive: Archive | None = kwargs.pop("archive", None)
        on_progress = kwargs.pop("on_progress", None)
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
        owns_archive = archive is None
        if archive is None:
            archive = Archive.open(settings.get("GONGKAI_DB"))
        spider.session = CrawlSession(seed, archive, on_progress=on_progress)
        spider.owns_archive = owns_archive
        spider.session.begin()
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        return spider

    def _closed(self, spider: scrapy.Spider, reason: str) -> None:
        self.session.finish(reason)
        if self.owns_archive:
            self.session.archive.close()

    # -- requests --------------------------------------------------------------------

    def _detail_request(
        self, url: str, *, title: str | None = None, date: str | None = None, priority: int = 0
    ) -> scrapy.Request:
        headers = {}
        state = self.session.http_states.get(url)
        if state is not None and self.session.known.get(url) == "live":
            if state.etag:
                headers["If-None-Match"] = state.etag
            if state.last_modified:
                headers["If-Modified-Since"] = state.last_modified
        return scrapy.Request(
            url,
            callback=self.parse_detail,
            errback=self.detail_failed,
            headers=headers,
            priority=priority,
            meta={
                "listed_title": title,
                "listed_date": date,
                "handle_httpstatus_list": [*GONE_STATUSES, 304, 403, 412, 521],
            },
        )

    async def start(self) -> AsyncIterator[Any]:
        for url in self.session.seed.start_urls:
            yield scrapy.Request(
                url,
                callback=self.parse_listing,
                errback=self.listing_failed,
                priority=100,
                meta={
                    "page": 1,
                    "start": True,
                    "handle_httpstatus_list": [403, 404, 410, 412, 521],
                },
                dont_filter=True,
            )
        for url in self.session.known:
            yield self._detail_request(url, priority=-10)

    # -- listings --------------------------------------------------------------------

    def parse_listing(self, response: Response) -> Iterator[Any]:
        session, seed = self.session, self.session.seed
        text = response_text(response)
        signature = antibot_signature(response.status, text)
        if signature:
            session.blocked = f"blocked at {response.url}: {signature}"
            raise CloseSpider("blocked")
        if response.status >= 400:
            message = f"listing page answered HTTP {response.status}"
            if response.meta.get("start"):
                session.failed = f"{response.url}: {message}"
            yield Problem(url=response.url, kind="listing-http", message=message)
            return
        session.listing_pages += 1
        page_no = response.meta["page"]
        cms = seed.cms or response.meta.get("cms") or detect_cms(text)
        result = adapter_for(cms).parse(
            ListingPage(
                url=response.url,
                text=text,
                page=page_no,
                state=response.meta.get("state", {}),
                url_patterns=seed.match.url_patterns,
            )
        )
        if result.shell:
            session.shell = result.shell
            yield Problem(url=response.url, kind="listing-shell", message=result.shell)
        fresh = 0
        for item in result.items:
            host = urlsplit(item.url).hostname or ""
            if host not in seed.hosts or item.url in session.listed:
                continue
            if not seed.match.keeps(title=item.title, url=item.url):
                continue
            session.listed.add(item.url)
            fresh += 1
            yield self._detail_request(item.url, title=item.title, date=item.date, priority=10)
        if page_no == 1 and not result.items and not result.shell:
            yield Problem(
                url=response.url,
                kind="listing-empty",
                message=f"no items found on the listing page ({cms} adapter)",
            )
        if not fresh and page_no > 1:
            return  # a page with nothing new: stop, whatever its pager claims
        for follow in result.follow:
            if follow.page > seed.max_pages:
                continue
            yield scrapy.Request(
                follow.url,
                method=follow.method,
                body=follow.body,
                headers=follow.headers,
                callback=self.parse_listing,
                errback=self.listing_failed,
                priority=50,
                meta={
                    "page": follow.page,
                    "state": follow.state,
                    "cms": cms,
                    "handle_httpstatus_list": [403, 404, 410, 412, 521],
                },
            )

    def listing_failed(self, failure: Failure) -> Iterator[Problem]:
        request = failure.request  # type: ignore[attr-defined]
        message = f"{failure_kind(failure)}: {failure.getErrorMessage()}"
        if request.meta.get("start"):
            self.session.failed = f"{request.url}: {message}"
        yield Problem(url=request.url, kind=failure_kind(failure), message=message)

    # -- detail pages ----------------------------------------------------------------

    def parse_detail(self, response: Response) -> Iterator[Any]:
        source, url = (
            self.session.source_id,
            response.request.url if response.request else response.url,
        )
        now = _now()
        if response.status == 304:
            yield UnchangedPage(
                source_id=source, url=url, fetched_at=now, headers=_headers(response)
            )
            return
        if response.status in GONE_STATUSES:
            yield GonePage(
                source_id=source, url=url, fetched_at=now, reason=f"HTTP {response.status}"
            )
            return
        original = response.meta.get("redirect_urls", [url])[0]
        if is_home_redirect(original, response.url):
            yield GonePage(
                source_id=source,
                url=original,
                fetched_at=now,
                reason=f"redirected to the home page {response.url}",
            )
            return
        url = original
        text = response_text(response) if isinstance(response, TextResponse) else ""
        signature = antibot_signature(response.status, text)
        if signature:
            self.session.blocked = f"blocked at {url}: {signature}"
            raise CloseSpider("blocked")
        if response.status >= 400:
            yield Problem(url=url, kind="http", message=f"HTTP {response.status}")
            return
        if not response.body.strip():
            yield Problem(url=url, kind="empty-body", message="the page answered with no content")
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
        )

    def detail_failed(self, failure: Failure) -> Iterator[Problem]:
        request = failure.request  # type: ignore[attr-defined]
        yield Problem(
            url=request.url,
            kind=failure_kind(failure),
            message=f"{failure_kind(failure)}: {failure.getErrorMessage()}",
        )
