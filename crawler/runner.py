"""Running crawls from Python: one Scrapy crawler per source, a few at a time, in one reactor.

Twisted's reactor can't be restarted, so run_crawls() may be called once per process; the
scheduler runs each crawl in a child process for that reason.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from scrapy.settings import Settings
from scrapy.utils.log import configure_logging
from scrapy.utils.project import get_project_settings
from scrapy.utils.reactor import install_reactor

from archive import Archive, RunCounts, SourceBusy
from crawler.errors import CrawlerError
from crawler.seeds import Seed
from crawler.session import CrawlSession, RunSummary
from crawler.spiders.reports import ReportSpider
from crawler.workers import WorkerPool

ASYNCIO_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
log = logging.getLogger("gongkai.crawl")

ProgressHook = Callable[[CrawlSession], None]


def crawl_settings(db_url: str, overrides: dict[str, Any] | None = None) -> Settings:
    """The project's Scrapy settings with the archive URL and any overrides."""
    settings = get_project_settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("GONGKAI_DB", db_url, priority="cmdline")
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


class Shutdown:
    """SIGINT/SIGTERM during crawls: the first stops them the way Scrapy closes a spider (each
    run is closed as failed, "stopped early: shutdown", and the summary is still printed); a
    second stops the reactor at once. Either way no page is half-written: each page is one
    transaction."""

    def __init__(self) -> None:
        self.requested = False
        self.crawlers: set[Any] = set()

    def stop(self, reactor: Any) -> None:
        from scrapy.utils.defer import deferred_from_coro

        if self.requested:
            log.warning("second stop signal: stopping now")
            reactor.stop()
            return
        self.requested = True
        log.warning("stop signal: closing the running crawls (again to stop at once)")
        for crawler in list(self.crawlers):
            deferred_from_coro(crawler.stop_async())


SHUTDOWN = Shutdown()


def run_in_reactor(main: Callable[[], Awaitable[Any]]) -> Any:
    """Run a coroutine function under Twisted's asyncio reactor until it finishes."""
    install_reactor(ASYNCIO_REACTOR)
    from scrapy.utils.defer import deferred_from_coro
    from twisted.internet import reactor as installed

    reactor: Any = installed  # the module attribute is typed as a bare interface
    outcome: dict[str, Any] = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: reactor.callFromThread(SHUTDOWN.stop, reactor))

    async def wrapped() -> None:
        try:
            outcome["value"] = await main()
        except BaseException as exc:  # re-raised below, outside the reactor
            outcome["error"] = exc

    # An asyncio task, so that the coroutine may await asyncio futures as well as Deferreds.
    d = deferred_from_coro(wrapped())
    d.addBoth(lambda _: reactor.callLater(0, reactor.stop))
    reactor.run(installSignalHandlers=False)
    if "error" in outcome:
        raise outcome["error"]
    if "value" not in outcome:
        raise CrawlerError("the crawl was stopped before it could finish its runs")
    return outcome.get("value")


async def crawl_sources(
    seeds: Sequence[Seed],
    *,
    archive: Archive,
    settings: Settings,
    progress: ProgressHook | None = None,
    max_parallel: int = 4,
    workers: WorkerPool | None = None,
) -> list[RunSummary]:
    """Crawl each seed with its own Scrapy crawler, at most max_parallel at once.

    The crawlers share one pool of extraction workers (made here unless given).
    """
    own_pool = workers is None
    if workers is None:
        workers = WorkerPool.from_settings(settings)
    try:
        return await _crawl_sources(
            seeds,
            archive=archive,
            settings=settings,
            progress=progress,
            max_parallel=max_parallel,
            workers=workers,
        )
    finally:
        if own_pool:
            workers.close()


async def _crawl_sources(
    seeds: Sequence[Seed],
    *,
    archive: Archive,
    settings: Settings,
    progress: ProgressHook | None,
    max_parallel: int,
    workers: WorkerPool,
) -> list[RunSummary]:
    from scrapy.crawler import AsyncCrawlerRunner  # after the reactor is installed

    # configure_logging routes Twisted's log into logging, but also resets levels; keep the
    # level the CLI chose, for Scrapy's loggers too.
    level = logging.root.level
    configure_logging(settings)
    logging.root.setLevel(level)
    logging.getLogger("scrapy").setLevel(level or logging.WARNING)
    # A robots.txt that can't be fetched counts as allow-all, and the pages' own failures are
    # recorded on the run; Scrapy's traceback for it would only be noise.
    logging.getLogger("scrapy.downloadermiddlewares.robotstxt").setLevel(logging.CRITICAL)
    runner = AsyncCrawlerRunner(settings)
    gate = asyncio.Semaphore(max_parallel)
    summaries: dict[str, RunSummary] = {}

    async def one(seed: Seed) -> None:
        async with gate:
            if SHUTDOWN.requested:
                summaries[seed.id] = RunSummary(
                    source_id=seed.id,
                    run_id=0,
                    status="failed",
                    counts=RunCounts(),
                    message="not crawled: gongkai was told to stop",
                )
                return
            crawler = runner.create_crawler(ReportSpider)
            SHUTDOWN.crawlers.add(crawler)
            try:
                await crawler.crawl_async(
                    seed=seed, archive=archive, on_progress=progress, workers=workers
                )
            except Exception as exc:  # a crawler that can't start is that source's failure
                if isinstance(exc, SourceBusy):
                    log.warning("crawl not started source=%s: %s", seed.id, exc)
                else:
                    log.error("crawl failed to run source=%s: %s", seed.id, exc)
                summaries[seed.id] = RunSummary(
                    source_id=seed.id,
                    run_id=0,
                    status="failed",
                    counts=RunCounts(),
                    message=str(exc),
                )
                return
            finally:
                SHUTDOWN.crawlers.discard(crawler)
            spider = crawler.spider
            session: CrawlSession | None = getattr(spider, "session", None)
            if session is not None and session.summary is not None:
                summaries[seed.id] = session.summary
            else:
                summaries[seed.id] = RunSummary(
                    source_id=seed.id,
                    run_id=session.run_id if session else 0,
                    status="failed",
                    counts=session.counts if session else RunCounts(),
                    message="the run could not be closed in the archive",
                )

    await asyncio.gather(*(one(seed) for seed in seeds))
    return [summaries[seed.id] for seed in seeds]


def run_crawls(
    seeds: Sequence[Seed],
    *,
    db_url: str,
    overrides: dict[str, Any] | None = None,
    progress: ProgressHook | None = None,
    max_parallel: int = 4,
    index: bool = True,
) -> list[RunSummary]:
    """Open the archive and crawl the seeds; blocks until every crawl has finished.

    Then, unless `index` is false, one index pass makes the new versions searchable and links
    copies and moves: jieba costs more CPU per page than fetching it, so it stays out of the
    crawl and runs once, on every core, when the fetching is done.
    """
    archive = Archive.open(db_url)
    settings = crawl_settings(db_url, overrides)
    try:
        result: list[RunSummary] = run_in_reactor(
            lambda: crawl_sources(
                seeds,
                archive=archive,
                settings=settings,
                progress=progress,
                max_parallel=max_parallel,
            )
        )
        if index and not SHUTDOWN.requested:
            index_sources(archive, [s.id for s in seeds], workers=WorkerPool.count(settings))
        return result
    finally:
        archive.close()


def index_sources(archive: Archive, source_ids: Sequence[str], *, workers: int) -> int:
    """The index pass over what these sources' crawls archived; returns documents indexed."""
    start = time.perf_counter()
    done = archive.index_pending(sources=source_ids, workers=workers if workers > 1 else 0)
    if done:
        log.info(
            "indexed documents=%d seconds=%.1f sources=%s",
            done,
            time.perf_counter() - start,
            ",".join(source_ids),
        )
    return done
