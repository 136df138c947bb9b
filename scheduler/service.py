"""`gongkai schedule`: the long-running service that crawls each source on its cron.

Life of the service:

1. Read the seeds, open (and migrate) the archive, take the archive's scheduler lock
   (or, with --wait, wait for it).
2. Start APScheduler paused, with its jobs in the archive database, bring the jobs in line
   with the seed files, say what was missed while it was down, then resume.
3. Main thread: wait for signals. SIGHUP and every --rescan seconds: re-read the seeds.
   Every few seconds: check the lock is still held.
4. SIGTERM or SIGINT: start no more runs, give running crawls --stop-grace seconds to end,
   then stop them (a second signal stops them at once), record them, release the lock,
   exit 0.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
import signal
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, JobSubmissionEvent
from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from sqlalchemy.exc import SQLAlchemyError

from archive import Archive, ArchiveError, SourceInfo
from archive.db import create_archive_engine, parse_db_url
from crawler.cron import SHANGHAI
from crawler.seeds import Seed, SeedErrors, SeedScan, scan_seeds
from scheduler.errors import LockLost, SchedulerError
from scheduler.executor import CrawlExecutor
from scheduler.jobs import (
    EXECUTOR,
    JOBS_TABLE,
    JobPolicy,
    SyncReport,
    job_seed,
    missed_slots,
    sync_jobs,
)
from scheduler.launcher import CrawlLauncher, RunOutcome
from scheduler.lock import SchedulerLock, acquire, lock_for
from scheduler.metrics import METRICS_HOST, SchedulerMetrics
from scheduler.resilient import ResilientScheduler
from scheduler.runs import last_successes

log = logging.getLogger("gongkai.schedule")

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


@dataclass(frozen=True, kw_only=True)
class ServiceOptions:
    """What `gongkai schedule` was asked to do."""

    db_url: str
    seeds_path: Path
    max_parallel: int = 2
    wait: bool = False
    metrics_port: int | None = None
    rescan_s: float = 60.0
    stop_grace_s: float = 60.0
    misfire_grace_s: float = 6 * 3600.0
    lock_check_s: float = 5.0


def _now() -> dt.datetime:
    return dt.datetime.now(ZoneInfo(SHANGHAI))


class SchedulerService:
    """The scheduler service; run() blocks until a stop signal and returns the exit status."""

    def __init__(self, options: ServiceOptions) -> None:
        self.options = options
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._force = threading.Event()
        self._reload = threading.Event()
        self._stop_signal = "none"
        self._reported: set[str] = set()
        self._scheduler: ResilientScheduler | None = None
        self._archive: Archive | None = None
        self._metrics = SchedulerMetrics()

    # -- signals ----------------------------------------------------------------------

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        if signum == signal.SIGHUP:
            self._reload.set()
        else:
            if self._stopping.is_set():
                self._force.set()
            self._stop_signal = signal.Signals(signum).name
            self._stopping.set()
        self._wake.set()

    def _install_signals(self) -> dict[signal.Signals, Any]:
        previous: dict[signal.Signals, Any] = {}
        for sig in (*STOP_SIGNALS, signal.SIGHUP):
            previous[sig] = signal.signal(sig, self._on_signal)
        return previous

    # -- the service ------------------------------------------------------------------

    def run(self) -> int:
        """Serve until stopped; 0 after a stop signal."""
        previous = self._install_signals()
        try:
            opts = self.options
            scan = scan_seeds(opts.seeds_path)  # a missing seed folder is a usage error
            lock = lock_for(opts.db_url)
            archive = Archive.open(opts.db_url)
            try:
                acquired = acquire(
                    lock, wait=opts.wait, stop=self._stopping, on_wait=self._log_waiting
                )
                if not acquired:
                    log.info(
                        "scheduler stopped signal=%s before taking the lock", self._stop_signal
                    )
                    return 0
                try:
                    log.info("lock acquired archive=%s", lock.archive)
                    self._archive = archive
                    if opts.wait:
                        scan = scan_seeds(opts.seeds_path)  # as they are now, after the wait
                    return self._serve(lock, scan)
                finally:
                    lock.release()
            finally:
                archive.close()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _log_waiting(self, holder: str | None) -> None:
        log.info(
            "lock busy archive=%s holder=%s; waiting for it (--wait)",
            _shown(self.options.db_url),
            holder or "unknown",
        )

    def _serve(self, lock: SchedulerLock, scan: SeedScan) -> int:
        assert self._archive is not None
        archive = self._archive
        opts = self.options
        metrics = self._metrics
        server = None
        if opts.metrics_port is not None:
            try:
                server = metrics.serve(opts.metrics_port)
            except OSError as exc:
                raise SchedulerError(
                    f"--metrics-port {opts.metrics_port}: cannot listen on "
                    f"{METRICS_HOST}: {exc.strerror or exc}"
                ) from None
            log.info("metrics serving url=http://%s:%d/metrics", METRICS_HOST, server.server_port)
        with tempfile.TemporaryDirectory(prefix="gongkai-schedule-") as workdir:
            launcher = CrawlLauncher(
                db_url=opts.db_url, archive=archive, workdir=Path(workdir), metrics=metrics
            )
            executor = CrawlExecutor(
                lambda job, at: self._run_job(launcher, job=job, scheduled_for=at),
                max_parallel=opts.max_parallel,
            )
            scheduler = ResilientScheduler(
                jobstores={
                    "default": SQLAlchemyJobStore(
                        engine=create_archive_engine(opts.db_url), tablename=JOBS_TABLE
                    )
                },
                executors={EXECUTOR: executor},
                timezone=SHANGHAI,
            )
            scheduler.add_listener(self._on_skipped, EVENT_JOB_MAX_INSTANCES)
            self._scheduler = scheduler
            scheduler.start(paused=True)
            try:
                self._start(scan)
                scheduler.resume()
                return self._main_loop(lock)
            finally:
                self._drain(executor, launcher)
                scheduler.shutdown(wait=True)
                if server is not None:
                    server.shutdown()
                    server.server_close()
                log.info("scheduler stopped signal=%s", self._stop_signal)

    def _start(self, scan: SeedScan) -> None:
        """First sync of jobs to seeds, and what was missed while the service was down."""
        assert self._scheduler is not None and self._archive is not None
        opts = self.options
        now = _now()
        report = self._sync(scan, now=now)
        fresh = set(report.added) | set(report.rescheduled)
        for job in self._scheduler.get_jobs():
            if job.id in fresh:
                continue
            slots, last = missed_slots(job, now=now)
            if not slots or last is None:
                continue
            late = (now - last).total_seconds()
            verdict = (
                "running it once now (coalesced)"
                if late <= opts.misfire_grace_s
                else f"older than the grace of {opts.misfire_grace_s:.0f}s, skipped"
            )
            log.warning(
                "missed while stopped source=%s slots=%d last=%s; %s",
                job.id,
                slots,
                last.isoformat(timespec="seconds"),
                verdict,
            )
        for source, at in last_successes(self._archive).items():
            self._metrics.last_success.labels(source).set(at.timestamp())
        self._sync_sources(list(scan.seeds.values()))
        scheduled = len(self._scheduler.get_jobs())
        log.info(
            "scheduler started pid=%d archive=%s seeds=%s sources=%d scheduled=%d "
            "max_parallel=%d stop_grace=%.0fs misfire_grace=%.0fs rescan=%s",
            os.getpid(),
            _shown(opts.db_url),
            opts.seeds_path,
            len(scan.seeds),
            scheduled,
            opts.max_parallel,
            opts.stop_grace_s,
            opts.misfire_grace_s,
            f"{opts.rescan_s:.0f}s" if opts.rescan_s else "off",
        )
        if not scheduled:
            log.warning("no source has a schedule; waiting for seed changes (SIGHUP or rescan)")

    def _main_loop(self, lock: SchedulerLock) -> int:
        opts = self.options
        rescan_every = opts.rescan_s or math.inf
        next_rescan = time.monotonic() + rescan_every
        next_check = time.monotonic() + opts.lock_check_s
        while not self._stopping.is_set():
            self._wake.wait(max(0.05, min(next_rescan, next_check) - time.monotonic()))
            self._wake.clear()
            if self._stopping.is_set():
                break
            if self._reload.is_set():
                self._reload.clear()
                self._rescan("SIGHUP")
                next_rescan = time.monotonic() + rescan_every
            elif time.monotonic() >= next_rescan:
                self._rescan("rescan")
                next_rescan = time.monotonic() + rescan_every
            if time.monotonic() >= next_check:
                try:
                    lock.verify()
                except LockLost as exc:
                    log.error("lock lost archive=%s: %s; stopping", lock.archive, exc)
                    self._stop_signal = "lock lost"
                    self._stopping.set()
                    raise
                next_check = time.monotonic() + opts.lock_check_s
        return 0

    def _drain(self, executor: CrawlExecutor, launcher: CrawlLauncher) -> None:
        """Start no more runs; let running ones end within the grace; stop the rest."""
        assert self._scheduler is not None
        if self._scheduler.running:
            self._scheduler.pause()
        executor.close()
        launcher.close()
        running = launcher.running()
        grace = self.options.stop_grace_s
        log.info(
            "stopping signal=%s running=%s grace=%.0fs",
            self._stop_signal,
            ",".join(running) or "none",
            grace,
        )
        deadline = time.monotonic() + grace
        while launcher.running() and time.monotonic() < deadline and not self._force.is_set():
            self._wake.wait(0.2)
            self._wake.clear()
        left = launcher.running()
        if left:
            why = "a second stop signal" if self._force.is_set() else f"{grace:.0f}s grace"
            log.warning("stopping crawls source=%s after=%s", ",".join(left), why)
            launcher.stop_all("shutdown")

    # -- jobs ---------------------------------------------------------------------------

    def _run_job(
        self, launcher: CrawlLauncher, *, job: Job, scheduled_for: dt.datetime
    ) -> RunOutcome | None:
        return launcher.run(job_seed(job), scheduled_for=scheduled_for)

    def _on_skipped(self, event: JobSubmissionEvent) -> None:
        slots = ",".join(t.isoformat(timespec="seconds") for t in event.scheduled_run_times)
        log.info(
            "run skipped source=%s scheduled_for=%s reason=still running or waiting for a "
            "crawl slot",
            event.job_id,
            slots,
        )

    def _rescan(self, trigger: str) -> None:
        try:
            scan = scan_seeds(self.options.seeds_path)
        except SeedErrors as exc:
            log.error(
                "seeds unreadable trigger=%s: %s; every source keeps its last good version",
                trigger,
                exc,
            )
            return
        try:
            report = self._sync(scan, now=_now(), trigger=trigger)
            touched = {*report.added, *report.rescheduled, *report.updated}
            self._sync_sources([s for s in scan.seeds.values() if s.id in touched])
        except (SQLAlchemyError, ArchiveError) as exc:
            log.error(
                "seed sync failed trigger=%s: %s; will retry at the next rescan", trigger, exc
            )

    def _sync(self, scan: SeedScan, *, now: dt.datetime, trigger: str = "start") -> SyncReport:
        assert self._scheduler is not None
        policy = JobPolicy(misfire_grace_s=self.options.misfire_grace_s)
        report = sync_jobs(self._scheduler, scan, policy=policy, now=now)
        self._log_sync(report, scan, trigger=trigger)
        self._metrics.scheduled.set(len(self._scheduler.get_jobs()))
        self._metrics.seed_problems.set(len({e.path for e in scan.errors}))
        return report

    def _log_sync(self, report: SyncReport, scan: SeedScan, *, trigger: str) -> None:
        assert self._scheduler is not None
        for source in report.added:
            self._log_job("source scheduled", source)
        for source in report.rescheduled:
            self._log_job("source rescheduled", source)
        for source in report.updated:
            log.info("source updated source=%s; its schedule is kept", source)
        for source in report.removed:
            log.info("source unscheduled source=%s", source)
        kept_by_file = {path: source for source, path in report.kept.items()}
        problems = {str(e): e for e in report.problems}
        new = [key for key in problems if key not in self._reported]
        # SIGHUP reports every problem again: the operator asked.
        for key in problems if trigger == "SIGHUP" else new:
            error = problems[key]
            kept = kept_by_file.get(error.path)
            keeping = (
                f"keeping the last good version of source={kept}"
                if kept
                else "no scheduled source runs from it"
            )
            log.error("seed invalid file=%s; %s: %s", error.path, keeping, error)
        self._reported = set(problems)
        if trigger == "SIGHUP" or report.changed or new:
            log.info(
                "seeds rescanned trigger=%s sources=%d scheduled=%d added=%s rescheduled=%s "
                "updated=%s removed=%s invalid_files=%d",
                trigger,
                len(scan.seeds),
                len(self._scheduler.get_jobs()),
                ",".join(report.added) or "-",
                ",".join(report.rescheduled) or "-",
                ",".join(report.updated) or "-",
                ",".join(report.removed) or "-",
                len({e.path for e in report.problems}),
            )

    def _log_job(self, what: str, source: str) -> None:
        assert self._scheduler is not None
        job = self._scheduler.get_job(source)
        if job is None:
            return
        nxt = job.next_run_time
        log.info(
            "%s source=%s schedule=%r next_run=%s",
            what,
            source,
            job.kwargs["seed"].get("schedule"),
            nxt.isoformat(timespec="seconds") if nxt else "paused",
        )

    def _sync_sources(self, seeds: list[Seed]) -> None:
        """Mirror seeds into the archive's sources table."""
        assert self._archive is not None
        if seeds:
            self._archive.sync_sources(
                [SourceInfo(id=s.id, name=s.name, cms=s.cms, schedule=s.schedule) for s in seeds]
            )


def _shown(url: str) -> str:
    """An archive URL fit for logs (no password)."""
    return parse_db_url(url).render_as_string(hide_password=True)
