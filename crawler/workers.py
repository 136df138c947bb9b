"""CPU work off the reactor: decoding, extraction, attachment text and the archive writes of
new pages run in worker processes, and the pipeline awaits their results. Search and copy
indexing (jieba) is not done per page at all: the crawl defers it and runs one index pass when
its fetching is done (crawler.runner.run_crawls).

Scrapy's downloads and callbacks run on one thread. Extraction and jieba segmentation cost
about 10 ms of CPU each per page, and the archive's write of a new page (ORM, compression,
full-text and near-duplicate index) about as much again: done there, they would stall the
downloads and leave the second core idle. So a worker takes a fetched page all the way into
the archive, in one transaction on its own connection (SQLite serialises the writers; the
busy timeout makes them wait their turn), and hands back what happened. The pool uses the
forkserver start method: workers are forked from a clean, single-threaded server process,
never from the reactor's.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import re
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing.util import Finalize
from typing import Any

from archive import Archive, Outcome
from crawler.attachments import AttachmentText, read_attachment
from crawler.extract import Attachment, Extraction, decode_html, extract_report
from crawler.items import FetchedAttachment, FetchedPage
from crawler.listings.shells import shell_reason
from crawler.records import attachment_file, lower_headers, page_record


@dataclass(frozen=True, kw_only=True)
class PageWork:
    """An extracted page, or why it holds no text."""

    extraction: Extraction
    shell: str | None = None  # an empty page that loads its text by script: from where


_PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\$\{.*?\}", re.S)
SHELL_TEXT_MIN = 20  # characters left once template placeholders are removed


def template_only(text: str) -> bool:
    """Whether a text is nothing but unfilled template placeholders (or nothing at all).

    >>> template_only("{{item.title}}\\n{{ item.pubDate }}"), template_only("正文" * 20)
    (True, False)
    """
    return len("".join(_PLACEHOLDER.sub("", text).split())) < SHELL_TEXT_MIN


def work_page(*, body: bytes, content_type: str | None, url: str, cms: str | None) -> PageWork:
    """Decode and extract one page (runs in a worker)."""
    html, _encoding = decode_html(body, content_type=content_type)
    extraction = extract_report(html, url=url, cms=cms)
    if not extraction.text.strip():
        return PageWork(extraction=extraction, shell=shell_reason(html))
    if template_only(extraction.text):
        shell = shell_reason(html)
        if shell:  # an app shell whose "text" is its own unfilled template
            return PageWork(extraction=extraction, shell=shell)
    return PageWork(extraction=extraction)


def work_attachment(*, data: bytes, url: str) -> AttachmentText:
    """The text of an attachment (runs in a worker)."""
    return read_attachment(data, url=url)


@dataclass(frozen=True, kw_only=True)
class ArchivedPage:
    """What became of a fetched page: archived (with its outcome), or a problem."""

    outcome: Outcome | None = None
    problem: tuple[str, str] | None = None  # (kind, message) when nothing was archived
    attachments: tuple[Attachment, ...] = ()


# A worker's own handle on each archive it writes to, opened at its first write.
_ARCHIVES: dict[str, Archive] = {}


def _archive_at(db_url: str) -> Archive:
    archive = _ARCHIVES.get(db_url)
    if archive is None:
        archive = _ARCHIVES[db_url] = Archive.open(db_url)
        Finalize(archive, archive.close, exitpriority=10)
    return archive


def archive_page(
    *,
    item: FetchedPage,
    raw_sha256: str,
    run_id: int,
    cms: str | None,
    db_url: str | None = None,
    archive: Archive | None = None,
) -> ArchivedPage:
    """Extract and archive one page (in a worker, or inline given `archive`).

    ArchiveError propagates: the caller stops the crawl.
    """
    try:
        work = work_page(
            body=item.body,
            content_type=lower_headers(item.headers).get("content-type"),
            url=item.url,
            cms=cms,
        )
    except Exception as exc:  # one bad page is that page's problem
        message = f"extraction failed ({type(exc).__name__}: {exc}); nothing archived"
        return ArchivedPage(problem=("extraction", message))
    if work.shell:
        return ArchivedPage(
            problem=(
                "page-shell",
                work.shell.replace("listing holds no items", "the page holds no text"),
            )
        )
    if not work.extraction.text.strip():
        return ArchivedPage(
            problem=("empty-text", "extraction found no body text; nothing archived")
        )
    record = page_record(item, work, raw_sha256=raw_sha256, run_id=run_id)
    outcome = (archive or _archive_at(str(db_url))).record_page(record)
    return ArchivedPage(outcome=outcome, attachments=work.extraction.attachments)


def archive_attachment(
    *, item: FetchedAttachment, db_url: str | None = None, archive: Archive | None = None
) -> AttachmentText:
    """Read and store one attachment (in a worker, or inline given `archive`)."""
    try:
        read = read_attachment(item.body, url=item.url)
    except Exception as exc:  # the file is still worth keeping without its text
        read = AttachmentText(text=None, kind="error", note=f"{type(exc).__name__}: {exc}")
    (archive or _archive_at(str(db_url))).record_attachment(attachment_file(item, text=read.text))
    return read


def archive_url(archive: Archive) -> str:
    """The URL a worker opens to write to the same archive."""
    return archive.engine.url.render_as_string(hide_password=False)


def warm_up() -> None:
    """Load extraction's lazy data before the first page arrives."""
    extract_report("<html><body><div id='zoom'><p>政府信息公开</p></div></body></html>")


def _ready() -> None:
    """A no-op: when it has run, a worker is up."""


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


INLINE_FIRST = 20


class WorkerPool:
    """A process pool for page and attachment work; workers=0 runs all work inline.

    Starting the processes costs about a second and a half of CPU, more than a small crawl
    spends on extraction. So the first `inline_first` pieces of work run inline; then the
    pool starts, and later work waits for it. A re-crawl that finds nothing changed never
    starts it.
    """

    def __init__(self, workers: int, *, inline_first: int = INLINE_FIRST) -> None:
        self.workers = workers
        self.inline_first = inline_first
        self.submitted = 0
        self._executor: Executor | None = None
        self._started: list[Future[None]] = []

    def _pool(self) -> Executor | None:
        """The pool to send the next piece of work to; None to run it inline."""
        self.submitted += 1
        if self.workers <= 0 or self.submitted <= self.inline_first:
            return None
        if self._executor is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["crawler.worker_warmup"])
            self._executor = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
            # start every worker now, not one at a time as work arrives
            self._started = [self._executor.submit(_ready) for _ in range(self.workers)]
        return self._executor

    @staticmethod
    def count(settings: Any) -> int:
        """GONGKAI_WORKERS (default: one per CPU)."""
        workers = int(settings.getint("GONGKAI_WORKERS", -1))
        return default_workers() if workers < 0 else workers

    @classmethod
    def from_settings(cls, settings: Any) -> WorkerPool:
        """GONGKAI_WORKERS processes (default: one per CPU), GONGKAI_INLINE_FIRST inline."""
        return cls(
            cls.count(settings),
            inline_first=settings.getint("GONGKAI_INLINE_FIRST", INLINE_FIRST),
        )

    @property
    def started(self) -> bool:
        """Whether the worker processes were started."""
        return self._executor is not None

    @property
    def up(self) -> bool:
        """Whether the worker processes have started."""
        return self.started and all(f.done() for f in self._started)

    async def _run(self, fn: Any, **kwargs: Any) -> Any:
        executor = self._pool()
        if executor is None:
            return fn(**kwargs)
        return await asyncio.wrap_future(executor.submit(fn, **kwargs))

    async def archive_page(
        self, *, item: FetchedPage, raw_sha256: str, run_id: int, cms: str | None, archive: Archive
    ) -> ArchivedPage:
        """Take a fetched page into the archive, in a worker (or inline)."""
        executor = self._pool()
        kwargs: dict[str, Any] = {
            "item": item,
            "raw_sha256": raw_sha256,
            "run_id": run_id,
            "cms": cms,
        }
        if executor is None:
            return archive_page(**kwargs, archive=archive)
        future = executor.submit(archive_page, **kwargs, db_url=archive_url(archive))
        result: ArchivedPage = await asyncio.wrap_future(future)
        return result

    async def archive_attachment(
        self, *, item: FetchedAttachment, archive: Archive
    ) -> AttachmentText:
        """Read and store a downloaded attachment, in a worker (or inline)."""
        executor = self._pool()
        if executor is None:
            return archive_attachment(item=item, archive=archive)
        future = executor.submit(archive_attachment, item=item, db_url=archive_url(archive))
        result: AttachmentText = await asyncio.wrap_future(future)
        return result

    async def page(
        self, *, body: bytes, content_type: str | None, url: str, cms: str | None
    ) -> PageWork:
        result: PageWork = await self._run(
            work_page, body=body, content_type=content_type, url=url, cms=cms
        )
        return result

    async def attachment(self, *, data: bytes, url: str) -> AttachmentText:
        result: AttachmentText = await self._run(work_attachment, data=data, url=url)
        return result

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
