"""One crawl run of one source: its archive run row, what is known before fetching, and the
tallies and verdict (ok, failed or blocked) kept while it runs."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from archive import Archive, ArchiveError, HttpStateView, RunCounts, SourceInfo
from crawler.seeds import Seed

log = logging.getLogger("gongkai.crawl")


@dataclass(kw_only=True)
class Tallies:
    """What the crawler did besides what the archive counts: how unchanged pages were
    recognised (304, or the same raw bytes), how many pages went through extraction, and
    how many attachments were stored."""

    not_modified: int = 0
    same_bytes: int = 0
    extracted: int = 0
    attachments: int = 0
    metadata_edits: int = 0  # pages whose title, 发布日期 … changed but not their text

    @property
    def unchanged(self) -> int:
        return self.not_modified + self.same_bytes


@dataclass(frozen=True, kw_only=True)
class RunSummary:
    """How a run ended, for the CLI's per-source summary."""

    source_id: str
    run_id: int
    status: str
    counts: RunCounts
    message: str | None


class CrawlSession:
    """State of one source's crawl, shared by its spider and the archive pipeline."""

    def __init__(
        self,
        seed: Seed,
        archive: Archive,
        on_progress: Callable[[CrawlSession], None] | None = None,
    ) -> None:
        self.seed = seed
        self.archive = archive
        self.on_progress = on_progress
        self.counts = RunCounts()
        self.tallies = Tallies()
        self.run_id = 0
        self.http_states: dict[str, HttpStateView] = {}
        self.known: dict[str, str] = {}
        self.listed: set[str] = set()
        # detail URLs asked for in this run, and listing requests (method, URL, body)
        self.requested: set[str] = set()
        self.listings_requested: set[tuple[str, str, bytes]] = set()
        self.blocked: str | None = None
        self.failed: str | None = None
        self.listing_pages = 0
        self.shell: str | None = None
        self.summary: RunSummary | None = None

    @property
    def source_id(self) -> str:
        return self.seed.id

    def begin(self) -> None:
        """Open the run and load what the archive knows about this source."""
        seed = self.seed
        self.archive.sync_sources(
            [SourceInfo(id=seed.id, name=seed.name, cms=seed.cms, schedule=seed.schedule)]
        )
        self.archive.abandon_stale_runs(seed.id, older_than=dt.timedelta(seconds=seed.timeout))
        # raises SourceBusy while another crawl of this source runs (the scheduler's, say)
        self.run_id = self.archive.claim_run(seed.id)
        self.http_states = self.archive.http_states(seed.id)
        self.known = self.archive.known_urls(seed.id)
        log.info("run started source=%s run=%d known=%d", seed.id, self.run_id, len(self.known))

    def heartbeat(self) -> None:
        """Renew the run's claim on its source; a failure is logged, never raised."""
        try:
            alive = self.archive.heartbeat(self.run_id)
        except ArchiveError as exc:
            log.warning("heartbeat failed source=%s run=%d: %s", self.source_id, self.run_id, exc)
            return
        if not alive:
            log.warning(
                "run %d of source=%s was closed by another process while running",
                self.run_id,
                self.source_id,
            )

    def problem(self, *, url: str | None, kind: str, message: str) -> None:
        """Record a problem on the run (and count it)."""
        self.counts.errors += 1
        log.warning("problem source=%s kind=%s url=%s %s", self.source_id, kind, url, message)
        self.archive.add_problem(self.run_id, url=url, kind=kind, message=message)

    def progressed(self) -> None:
        if self.on_progress is not None:
            self.on_progress(self)

    def verdict(self) -> tuple[str, str | None]:
        """The run's status and message from what happened."""
        c = self.counts
        if self.blocked:
            return "blocked", self.blocked
        if self.failed:
            return "failed", self.failed
        if self.shell and not c.pages:
            return "failed", self.shell
        t = self.tallies
        parts = [
            f"{c.pages} pages",
            f"{c.new_documents} new",
            f"{c.new_versions} changed",
            f"{c.gone} gone",
        ]
        if t.unchanged:
            how = [f"{t.not_modified} not modified"] if t.not_modified else []
            how += [f"{t.same_bytes} same bytes"] if t.same_bytes else []
            parts.append(f"{t.unchanged} unchanged ({', '.join(how)})")
        parts.append(f"{t.extracted} extracted")
        if t.metadata_edits:
            parts.append(f"{t.metadata_edits} metadata edited (text unchanged)")
        if t.attachments:
            parts.append(f"{t.attachments} attachments")
        if c.errors:
            parts.append(f"{c.errors} problems")
        if self.shell:
            parts.append(self.shell)
        return "ok", ", ".join(parts)

    def finish(self, reason: str | None = None) -> RunSummary:
        """Close the run row; idempotent."""
        if self.summary is not None:
            return self.summary
        if reason and reason not in ("finished", "blocked") and not self.failed:
            self.failed = f"crawl stopped early: {reason}"
        if self.tallies.extracted:  # the workers wrote the edits; count them once, here
            self.tallies.metadata_edits = self.archive.metadata_edits_in(self.run_id)
        status, message = self.verdict()
        self.archive.finish_run(self.run_id, status=status, counts=self.counts, message=message)
        self.summary = RunSummary(
            source_id=self.source_id,
            run_id=self.run_id,
            status=status,
            counts=self.counts,
            message=message,
        )
        c = self.counts
        log.info(
            "run finished source=%s run=%d status=%s pages=%d new_documents=%d "
            "new_versions=%d gone=%d errors=%d not_modified=%d same_bytes=%d extracted=%d "
            "attachments=%d",
            self.source_id,
            self.run_id,
            status,
            c.pages,
            c.new_documents,
            c.new_versions,
            c.gone,
            c.errors,
            self.tallies.not_modified,
            self.tallies.same_bytes,
            self.tallies.extracted,
            self.tallies.attachments,
        )
        self.progressed()
        return self.summary
