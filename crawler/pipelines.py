"""ArchivePipeline: turns the spider's items into archive writes.

A page whose raw bytes hash the same as its last fetch is only sighted: no decoding, no
extraction, no version. Anything else is extracted and handed to the archive, which writes
a version only if the normalised text changed. A failed archive write stops the crawl.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro

from archive import ArchiveError, AttachmentRef, Capture, PageMeta, PageRecord
from archive.normalize import sha256_hex
from crawler.extract import Extraction, decode_html, extract_report
from crawler.items import FetchedPage, GonePage, Problem, UnchangedPage
from crawler.session import CrawlSession

log = logging.getLogger("gongkai.archive")


def page_record(
    item: FetchedPage, extraction: Extraction, *, raw_sha256: str, run_id: int
) -> PageRecord:
    """The archive's view of an extracted page."""
    headers = {k.lower(): v for k, v in item.headers.items()}
    return PageRecord(
        capture=Capture(
            source_id=item.source_id,
            url=item.url,
            fetched_at=item.fetched_at,
            status=item.status,
            raw=item.body,
            raw_sha256=raw_sha256,
            headers=item.headers,
            etag=headers.get("etag"),
            last_modified=headers.get("last-modified"),
        ),
        text=extraction.text,
        meta=PageMeta(
            title=extraction.title or item.listed_title,
            published=extraction.published,
            written=extraction.written,
            doc_number=extraction.doc_number,
            index_number=extraction.index_number,
            publisher=extraction.publisher,
            report_kind=extraction.report_kind,
            report_year=extraction.report_year,
        ),
        attachments=tuple(AttachmentRef(name=a.name, url=a.url) for a in extraction.attachments),
        run_id=run_id,
    )


def extract_item(item: FetchedPage, cms: str | None) -> Extraction:
    """Decode and extract a fetched page."""
    ctype = next((v for k, v in item.headers.items() if k.lower() == "content-type"), None)
    text, _encoding = decode_html(item.body, content_type=ctype)
    return extract_report(text, url=item.url, cms=cms)


class ArchivePipeline:
    """Writes every item of a ReportSpider crawl through the archive's API."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        return cls(crawler)

    @property
    def session(self) -> CrawlSession:
        return self.crawler.spider.session  # type: ignore[union-attr]

    def process_item(self, item: Any) -> Any:
        session = self.session
        try:
            if isinstance(item, FetchedPage):
                self._archive_page(session, item)
            elif isinstance(item, UnchangedPage):
                session.archive.record_unchanged(
                    source_id=item.source_id,
                    url=item.url,
                    at=item.fetched_at,
                    run_id=session.run_id,
                )
                session.counts.pages += 1
            elif isinstance(item, GonePage):
                if session.archive.record_gone(
                    source_id=item.source_id,
                    url=item.url,
                    at=item.fetched_at,
                    reason=item.reason,
                    run_id=session.run_id,
                ):
                    session.counts.gone += 1
                    log.info(
                        "gone source=%s url=%s reason=%s", item.source_id, item.url, item.reason
                    )
            elif isinstance(item, Problem):
                session.problem(url=item.url, kind=item.kind, message=item.message)
            else:
                raise DropItem(f"not an item gongkai archives: {type(item).__name__}")
        except ArchiveError as exc:
            # Never carry on past a failed archive write: stop this source's crawl.
            session.failed = f"archive write failed: {exc}"
            log.error("archive write failed source=%s: %s", session.source_id, exc)
            engine = self.crawler.engine
            if engine is not None:
                deferred_from_coro(engine.close_spider_async(reason="archive-error"))
            raise DropItem(f"not archived: {exc}") from exc
        session.progressed()
        return item

    def _archive_page(self, session: CrawlSession, item: FetchedPage) -> None:
        raw_sha = sha256_hex(item.body)
        state = session.http_states.get(item.url)
        if state is not None and state.raw_sha256 == raw_sha:
            session.archive.record_unchanged(
                source_id=item.source_id,
                url=item.url,
                at=item.fetched_at,
                run_id=session.run_id,
            )
            session.counts.pages += 1
            return
        extraction = extract_item(item, session.seed.cms)
        if not extraction.text.strip():
            session.problem(
                url=item.url,
                kind="empty-text",
                message="extraction found no body text; nothing archived",
            )
            return
        outcome = session.archive.record_page(
            page_record(item, extraction, raw_sha256=raw_sha, run_id=session.run_id)
        )
        session.counts.add(outcome)
        log.info("archived source=%s url=%s outcome=%s", item.source_id, item.url, outcome)
