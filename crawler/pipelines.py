"""ArchivePipeline: turns the spider's items into archive writes.

A page answered 304, or whose raw bytes hash the same as its last fetch, is only sighted: no
decoding, no extraction, no version; sightings are written in batches. Anything else is
decoded, extracted, indexed and archived by a worker process (crawler.workers); the archive
writes a version only if the normalised text changed. The page's attachments are then
downloaded, read and stored the same way. A failed archive write stops the crawl.
"""

from __future__ import annotations

import logging
from concurrent.futures.process import BrokenProcessPool
from typing import Any
from urllib.parse import urlsplit

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro

from archive import ArchiveError, HttpStateView, Sighting
from archive.normalize import sha256_hex
from crawler.attachments import is_download_url
from crawler.extract import Attachment
from crawler.items import FetchedAttachment, FetchedPage, GonePage, Problem, UnchangedPage
from crawler.records import lower_headers
from crawler.session import CrawlSession
from crawler.workers import WorkerPool

log = logging.getLogger("gongkai.archive")

SIGHTING_BATCH = 200


class ArchivePipeline:
    """Writes every item of a ReportSpider crawl through the archive's API."""

    def __init__(self, crawler: Crawler, *, sighting_batch: int = SIGHTING_BATCH) -> None:
        self.crawler = crawler
        self.sighting_batch = sighting_batch
        self.sightings: list[Sighting] = []
        self.pool: WorkerPool | None = None
        self.owns_pool = False
        # set when the archive or the workers failed: nothing more is written after that
        self.halted: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        return cls(
            crawler,
            sighting_batch=crawler.settings.getint("GONGKAI_SIGHTING_BATCH", SIGHTING_BATCH),
        )

    @property
    def session(self) -> CrawlSession:
        return self.crawler.spider.session  # type: ignore[union-attr]

    def open_spider(self) -> None:
        # `gongkai crawl` shares one pool across its sources; `scrapy crawl` gets its own.
        pool = getattr(self.crawler.spider, "workers", None)
        if pool is None:
            pool = WorkerPool.from_settings(self.crawler.settings)
            self.owns_pool = True
        self.pool = pool

    def close_spider(self) -> None:
        try:
            self._flush_sightings(self.session)
        except ArchiveError as exc:
            self._archive_failed(self.session, exc, close=False)
        finally:
            if self.owns_pool and self.pool is not None:
                self.pool.close()

    async def process_item(self, item: Any) -> Any:
        session = self.session
        if self.halted:
            raise DropItem(f"not archived: {self.halted}")
        try:
            if isinstance(item, FetchedPage):
                await self._archive_page(session, item)
            elif isinstance(item, UnchangedPage):
                session.tallies.not_modified += 1
                headers = lower_headers(item.headers)
                self._sight(
                    session,
                    url=item.url,
                    at=item.fetched_at,
                    etag=headers.get("etag"),
                    last_modified=headers.get("last-modified"),
                )
            elif isinstance(item, GonePage):
                self._archive_gone(session, item)
            elif isinstance(item, FetchedAttachment):
                await self._archive_attachment(session, item)
            elif isinstance(item, Problem):
                session.problem(url=item.url, kind=item.kind, message=item.message)
            else:
                raise DropItem(f"not an item gongkai archives: {type(item).__name__}")
        except ArchiveError as exc:
            self._archive_failed(session, exc)
            raise DropItem(f"not archived: {exc}") from exc
        except BrokenProcessPool as exc:
            # The workers died (killed, out of memory): nothing more can be extracted.
            session.failed = self.halted = f"extraction workers stopped: {exc}"
            self._close(reason="workers-died")
            raise DropItem(session.failed) from exc
        session.progressed()
        return item

    # -- pages -----------------------------------------------------------------------

    async def _archive_page(self, session: CrawlSession, item: FetchedPage) -> None:
        raw_sha = sha256_hex(item.body)
        state = session.http_states.get(item.url)
        headers = lower_headers(item.headers)
        if state is not None and state.raw_sha256 == raw_sha:
            session.tallies.same_bytes += 1
            self._sight(
                session,
                url=item.url,
                at=item.fetched_at,
                etag=headers.get("etag"),
                last_modified=headers.get("last-modified"),
            )
            return
        assert self.pool is not None
        done = await self.pool.archive_page(
            item=item,
            raw_sha256=raw_sha,
            run_id=session.run_id,
            cms=item.cms or session.seed.cms,
            archive=session.archive,
        )
        session.tallies.extracted += 1
        if done.outcome is None:
            kind, message = done.problem or ("extraction", "nothing archived")
            session.problem(url=item.url, kind=kind, message=message)
            return
        session.counts.add(done.outcome)
        session.http_states[item.url] = HttpStateView(
            url=item.url,
            etag=headers.get("etag"),
            last_modified=headers.get("last-modified"),
            raw_sha256=raw_sha,
        )
        session.known[item.url] = "live"
        log.info("archived source=%s url=%s outcome=%s", item.source_id, item.url, done.outcome)
        self._fetch_attachments(session, item, done.attachments)

    def _fetch_attachments(
        self, session: CrawlSession, item: FetchedPage, attachments: tuple[Attachment, ...]
    ) -> None:
        """Ask for the page's files: on its own site(s), once per run, politely queued."""
        spider, engine = self.crawler.spider, self.crawler.engine
        if spider is None or engine is None:
            return
        for attachment in attachments:
            url = attachment.url
            if not is_download_url(url) or url in session.requested:
                continue
            if (urlsplit(url).hostname or "") not in session.seed.hosts:
                log.info(
                    "attachment not fetched source=%s url=%s: its host is not in the seed's "
                    "start_urls or allow_hosts",
                    session.source_id,
                    url,
                )
                continue
            session.requested.add(url)
            engine.crawl(
                spider.attachment_request(  # type: ignore[attr-defined]
                    url, name=attachment.name, document_url=item.url
                )
            )

    # -- attachments -----------------------------------------------------------------

    async def _archive_attachment(self, session: CrawlSession, item: FetchedAttachment) -> None:
        assert self.pool is not None
        read = await self.pool.archive_attachment(item=item, archive=session.archive)
        session.tallies.attachments += 1
        if read.text is None and read.kind in ("pdf", "docx", "error"):
            session.problem(
                url=item.url, kind="attachment-text", message=f"stored without text: {read.note}"
            )
        log.info("attachment source=%s url=%s bytes=%d", item.source_id, item.url, len(item.body))

    # -- sightings and withdrawals ---------------------------------------------------

    def _sight(
        self,
        session: CrawlSession,
        *,
        url: str,
        at: Any,
        etag: str | None,
        last_modified: str | None,
    ) -> None:
        self.sightings.append(
            Sighting(
                source_id=session.source_id,
                url=url,
                at=at,
                run_id=session.run_id,
                etag=etag,
                last_modified=last_modified,
            )
        )
        session.counts.pages += 1
        if len(self.sightings) >= self.sighting_batch:
            self._flush_sightings(session)

    def _flush_sightings(self, session: CrawlSession) -> None:
        if not self.sightings:
            return
        batch, self.sightings = self.sightings, []
        session.archive.record_sightings(batch)

    def _archive_gone(self, session: CrawlSession, item: GonePage) -> None:
        if session.archive.record_gone(
            source_id=item.source_id,
            url=item.url,
            at=item.fetched_at,
            reason=item.reason,
            run_id=session.run_id,
        ):
            session.counts.gone += 1
            session.known[item.url] = "gone"
            session.http_states.pop(item.url, None)
            log.info("gone source=%s url=%s reason=%s", item.source_id, item.url, item.reason)

    # -- failure ---------------------------------------------------------------------

    def _archive_failed(
        self, session: CrawlSession, exc: ArchiveError, *, close: bool = True
    ) -> None:
        """Never carry on past a failed archive write: stop this source's crawl."""
        session.failed = self.halted = f"archive write failed: {exc}"
        log.error("archive write failed source=%s: %s", session.source_id, exc)
        if close:
            self._close(reason="archive-error")

    def _close(self, *, reason: str) -> None:
        engine = self.crawler.engine
        if engine is not None:
            deferred_from_coro(engine.close_spider_async(reason=reason))
