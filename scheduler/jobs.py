"""Seeds as APScheduler jobs: one job per scheduled source, kept in step with the seed files.

Each job's id is the source id. Its kwargs hold the seed as last validated, so the persistent
job store is also the memory of each source's last good version: a seed file that turns
invalid keeps its job (and the version it runs) until the file is fixed or removed, across
restarts too. A job whose schedule is unchanged is left alone, which keeps its stored next
run time, so a run missed while the service was down is still due when it comes back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from apscheduler.job import Job
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger

from crawler.cron import cron_trigger
from crawler.errors import SeedError
from crawler.seeds import Seed, SeedScan, parse_seed

JOBS_TABLE = "scheduler_jobs"
EXECUTOR = "crawls"
MAX_JITTER_S = 60.0
JITTER_SHARE = 0.05


def scheduled_crawl(*, seed: dict[str, Any], path: str | None) -> None:
    """The callable each stored job names; CrawlExecutor runs the job as a child process.

    A job store needs an importable reference; this one is never called by the service.
    """
    raise RuntimeError(f"source {seed.get('id')!r}: scheduled crawls run through CrawlExecutor")


@dataclass(frozen=True, kw_only=True)
class JobPolicy:
    """How every source's job behaves."""

    misfire_grace_s: float


@dataclass
class SyncReport:
    """What a sync of seeds to jobs changed."""

    added: list[str] = field(default_factory=list)
    rescheduled: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: dict[str, str] = field(default_factory=dict)  # source id -> the invalid file
    problems: list[SeedError] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.rescheduled or self.updated or self.removed)


def jitter_for(trigger: CronTrigger, *, now: dt.datetime) -> float:
    """Seconds of random delay for a trigger: 5% of its interval, at most a minute.

    Enough to keep sources scheduled for the same minute off each other's heels, never
    enough to reorder runs of the same source.

    >>> now = dt.datetime(2024, 2, 2, tzinfo=dt.UTC)
    >>> jitter_for(cron_trigger("*/10 * * * * *"), now=now)
    0.5
    >>> jitter_for(cron_trigger("0 3 * * *"), now=now)
    60.0
    """
    first = trigger.get_next_fire_time(None, now)
    if first is None:
        return 0.0
    second = trigger.get_next_fire_time(first, first + dt.timedelta(microseconds=1))
    if second is None:
        return 0.0
    return min(MAX_JITTER_S, (second - first).total_seconds() * JITTER_SHARE)


def job_trigger(schedule: str, *, now: dt.datetime) -> CronTrigger:
    """The seed's cron trigger with its jitter."""
    trigger = cron_trigger(schedule)
    trigger.jitter = jitter_for(trigger, now=now)
    return trigger


def seed_state(seed: Seed) -> dict[str, Any]:
    """The seed as a job keeps it: plain JSON-able values, enough to rebuild it."""
    return seed.model_dump(mode="json", exclude_none=True)


def job_seed(job: Job) -> Seed:
    """The seed version a job runs."""
    path = job.kwargs.get("path") or f"(job store: {job.id})"
    return parse_seed(job.kwargs["seed"], path)


def sync_jobs(
    scheduler: BaseScheduler, scan: SeedScan, *, policy: JobPolicy, now: dt.datetime
) -> SyncReport:
    """Add, reschedule, update and remove jobs so they match a seed scan."""
    report = SyncReport(problems=list(scan.errors))
    jobs: dict[str, Job] = {job.id: job for job in scheduler.get_jobs()}
    scheduled = {s.id: s for s in scan.seeds.values() if s.schedule is not None}
    for seed in scheduled.values():
        kwargs = {"seed": seed_state(seed), "path": seed.path}
        job = jobs.get(seed.id)
        schedule = str(seed.schedule)
        if job is None:
            scheduler.add_job(
                scheduled_crawl,
                job_trigger(schedule, now=now),
                id=seed.id,
                name=seed.id,
                kwargs=kwargs,
                executor=EXECUTOR,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=int(policy.misfire_grace_s),
            )
            report.added.append(seed.id)
            continue
        if job.kwargs.get("seed", {}).get("schedule") != schedule:
            # A new schedule starts afresh: slots of the old one are not made up.
            scheduler.reschedule_job(seed.id, trigger=job_trigger(schedule, now=now))
            report.rescheduled.append(seed.id)
        elif job.kwargs == kwargs and job.misfire_grace_time == int(policy.misfire_grace_s):
            continue
        else:
            report.updated.append(seed.id)
        # modify_job keeps the stored next run time.
        scheduler.modify_job(seed.id, kwargs=kwargs, misfire_grace_time=int(policy.misfire_grace_s))
    invalid_files = {e.path for e in scan.errors}
    for job_id, job in jobs.items():
        if job_id in scheduled:
            continue
        path = job.kwargs.get("path")
        if job_id not in scan.seeds and path in invalid_files:
            report.kept[job_id] = str(path)
            continue
        scheduler.remove_job(job_id)
        report.removed.append(job_id)
    return report


def missed_slots(
    job: Job, *, now: dt.datetime, limit: int = 10_000
) -> tuple[int, dt.datetime | None]:
    """How many fire times of a job fell between its stored next run time and now, and the
    last of them (the one a coalesced run stands for)."""
    count, last = 0, None
    slot = job.next_run_time
    while slot is not None and slot <= now and count < limit:
        count, last = count + 1, slot
        slot = job.trigger.get_next_fire_time(slot, slot + dt.timedelta(microseconds=1))
    return count, last
