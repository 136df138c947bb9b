"""The run rows the scheduler reads and, when a child could not, closes.

A crawl child opens and closes its own `crawl_runs` row. When the scheduler kills a child
(timeout, shutdown) or the child dies before closing its row, the scheduler closes the row
through Archive.finish_run, keeping the tallies the child had written, so `gongkai runs`
shows why the run ended. Rows are found by id: those of the source opened after the child
was started.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from archive import Archive, RunCounts, SourceInfo
from archive.models import CrawlRun
from crawler.seeds import Seed


@dataclass(frozen=True, kw_only=True)
class RunRecord:
    """A run row as the scheduler reports it."""

    run_id: int
    status: str
    counts: RunCounts
    message: str | None
    started_at: dt.datetime
    finished_at: dt.datetime | None


def _record(row: CrawlRun) -> RunRecord:
    return RunRecord(
        run_id=row.id,
        status=row.status,
        counts=RunCounts(
            pages=row.pages,
            new_documents=row.new_documents,
            new_versions=row.new_versions,
            gone=row.gone,
            errors=row.errors,
        ),
        message=row.message,
        started_at=row.started_at,
        finished_at=row.finished_at,
    )


def last_run_id(archive: Archive, source_id: str) -> int:
    """The newest run id of a source, 0 when it has none."""
    with archive.session() as s:
        value = s.execute(
            select(func.max(CrawlRun.id)).where(CrawlRun.source_id == source_id)
        ).scalar()
    return int(value or 0)


def runs_after(archive: Archive, source_id: str, *, after_id: int) -> list[RunRecord]:
    """Runs of a source opened after a given run id, oldest first."""
    with archive.session() as s:
        rows = s.execute(
            select(CrawlRun)
            .where(CrawlRun.source_id == source_id, CrawlRun.id > after_id)
            .order_by(CrawlRun.id)
        ).scalars()
        return [_record(r) for r in rows]


def fail_runs(
    archive: Archive,
    seed: Seed,
    *,
    after_id: int,
    started_at: dt.datetime,
    message: str,
) -> RunRecord:
    """Record a run the child could not finish as failed, with the reason.

    Rows the child opened are closed (even one it closed itself, which was cut short); if it
    opened none, a row is written so the failed run still shows in `gongkai runs`.
    """
    rows = runs_after(archive, seed.id, after_id=after_id)
    if not rows:
        archive.sync_sources(
            [SourceInfo(id=seed.id, name=seed.name, cms=seed.cms, schedule=seed.schedule)]
        )
        run_id = archive.start_run(seed.id, at=started_at)
        rows = [
            RunRecord(
                run_id=run_id,
                status="running",
                counts=RunCounts(),
                message=None,
                started_at=started_at,
                finished_at=None,
            )
        ]
    for row in rows:
        archive.finish_run(row.run_id, status="failed", counts=row.counts, message=message)
    return runs_after(archive, seed.id, after_id=after_id)[-1]


def last_runs(archive: Archive) -> dict[str, RunRecord]:
    """Each source's newest run (which may still be running)."""
    with archive.session() as s:
        newest = select(func.max(CrawlRun.id)).group_by(CrawlRun.source_id)
        rows = s.execute(select(CrawlRun).where(CrawlRun.id.in_(newest))).scalars()
        return {r.source_id: _record(r) for r in rows}


def last_successes(archive: Archive) -> dict[str, dt.datetime]:
    """When each source's newest successful run finished."""
    with archive.session() as s:
        rows = s.execute(
            select(CrawlRun.source_id, func.max(CrawlRun.finished_at))
            .where(CrawlRun.status == "ok")
            .group_by(CrawlRun.source_id)
        ).all()
    return {source: at for source, at in rows if at is not None}
