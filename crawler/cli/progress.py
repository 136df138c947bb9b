"""Live progress of crawls on stderr, and the per-source summary that ends a crawl."""

from __future__ import annotations

import time

from rich.console import Console
from rich.table import Table
from rich.text import Text

from archive.cli.options import stdout_console
from crawler.session import CrawlSession, RunSummary

STATUS_STYLE = {"ok": "green", "failed": "red", "blocked": "yellow"}


class ProgressPrinter:
    """Prints a line per source now and then: live feedback without flooding a log."""

    def __init__(self, console: Console | None = None, every: float = 2.0) -> None:
        self.console = console or Console(stderr=True, highlight=False)
        self.every = every
        self._last: dict[str, float] = {}

    def __call__(self, session: CrawlSession) -> None:
        now = time.monotonic()
        done = session.summary is not None
        if not done and now - self._last.get(session.source_id, 0.0) < self.every:
            return
        self._last[session.source_id] = now
        c = session.counts
        state = session.summary.status if session.summary else "crawling"
        self.console.print(
            f"[{session.source_id}] {state}: {c.pages} pages, {c.new_documents} new, "
            f"{c.new_versions} changed, {c.gone} gone, {c.errors} problems",
            style="dim" if not done else STATUS_STYLE.get(state, ""),
            markup=False,
        )


def print_summary(summaries: list[RunSummary], console: Console | None = None) -> None:
    """One row per source: status, counts and message."""
    console = console or stdout_console()
    table = Table(
        "source",
        "status",
        "pages",
        "new",
        "changed",
        "gone",
        "problems",
        "message",
        box=None,
        title="crawl summary",
        title_justify="left",
    )
    for s in summaries:
        c = s.counts
        table.add_row(
            s.source_id,
            Text(s.status, style=STATUS_STYLE.get(s.status, "")),
            str(c.pages),
            str(c.new_documents),
            str(c.new_versions),
            str(c.gone),
            str(c.errors),
            s.message or "",
        )
    console.print(table)
