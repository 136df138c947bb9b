"""CPU work off the reactor: decoding, extraction, search indexing and attachment text run in
worker processes, and the pipeline awaits their results.

Scrapy's downloads, the callbacks and the archive writes share one thread; extraction and
jieba segmentation cost about 10 ms of CPU each per page, so doing them there would leave a
second core idle and stall downloads. The pool uses the forkserver start method: workers are
forked from a clean, single-threaded server process, never from the reactor's.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import re
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from archive.normalize import normalize_text
from archive.textindex import index_text
from crawler.attachments import AttachmentText, read_attachment
from crawler.extract import Extraction, decode_html, extract_report
from crawler.listings.shells import shell_reason


@dataclass(frozen=True, kw_only=True)
class PageWork:
    """An extracted page with its search index fields, or why it holds no text."""

    extraction: Extraction
    search_text: str | None = None
    simhash: int | None = None
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
    """Decode, extract and index one page (runs in a worker)."""
    html, _encoding = decode_html(body, content_type=content_type)
    extraction = extract_report(html, url=url, cms=cms)
    if not extraction.text.strip():
        return PageWork(extraction=extraction, shell=shell_reason(html))
    if template_only(extraction.text):
        shell = shell_reason(html)
        if shell:  # an app shell whose "text" is its own unfilled template
            return PageWork(extraction=extraction, shell=shell)
    index = index_text(normalize_text(extraction.text))
    return PageWork(extraction=extraction, search_text=index.search_text, simhash=index.simhash)


def work_attachment(*, data: bytes, url: str) -> AttachmentText:
    """The text of an attachment (runs in a worker)."""
    return read_attachment(data, url=url)


def warm_up() -> None:
    """Load jieba's dictionary and extraction's lazy data (about a second of CPU)."""
    index_text("政府信息公开工作年度报告")
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

    @classmethod
    def from_settings(cls, settings: Any) -> WorkerPool:
        """GONGKAI_WORKERS processes (default: one per CPU), GONGKAI_INLINE_FIRST inline."""
        workers = settings.getint("GONGKAI_WORKERS", -1)
        return cls(
            default_workers() if workers < 0 else workers,
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
