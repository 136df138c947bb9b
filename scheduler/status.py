"""What `gongkai sources` shows: each source's schedule, next run and last run.

The next run comes from the scheduler's job store when it holds the source's job (a time in
the past there means no scheduler has run since it was due); otherwise from the cron
expression. The job store is read without unpickling into live jobs, and without writing.
"""

from __future__ import annotations

import datetime as dt
import pickle
from typing import Any

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from sqlalchemy import inspect, select

from archive import Archive
from archive.timeparse import format_time
from crawler.cron import cron_trigger
from crawler.errors import SeedError
from crawler.seeds import SeedScan
from scheduler.jobs import JOBS_TABLE
from scheduler.runs import last_runs


def stored_jobs(archive: Archive) -> dict[str, dict[str, Any]]:
    """Each stored job's state (kwargs, next_run_time, ...) by source id; {} if none."""
    engine = archive.engine
    if not inspect(engine).has_table(JOBS_TABLE):
        return {}
    table = SQLAlchemyJobStore(engine=engine, tablename=JOBS_TABLE).jobs_t
    jobs: dict[str, dict[str, Any]] = {}
    with engine.connect() as conn:
        for job_id, state in conn.execute(select(table.c.id, table.c.job_state)):
            try:
                # Rows this code's scheduler wrote into the archive's own database.
                jobs[job_id] = pickle.loads(state)
            except Exception:  # an unreadable row is shown as unscheduled, not fatal
                continue
    return jobs


def next_fire(schedule: str | None, *, now: dt.datetime) -> dt.datetime | None:
    """When a cron expression next fires after now.

    >>> t = next_fire("0 3 * * *", now=dt.datetime(2024, 2, 2, 12, tzinfo=dt.UTC))
    >>> t.isoformat()
    '2024-02-03T03:00:00+08:00'
    """
    if schedule is None:
        return None
    fire: dt.datetime | None = cron_trigger(schedule).get_next_fire_time(None, now)
    return fire


def source_status(archive: Archive, scan: SeedScan, *, now: dt.datetime) -> list[dict[str, Any]]:
    """`{id, name, schedule, next_run, last_run, seed_problem}` for every source, by id.

    A source whose seed file is currently invalid but whose job keeps its last good version
    is listed from the job, with the problem in `seed_problem`.
    """
    jobs = stored_jobs(archive)
    runs = last_runs(archive)
    problems: dict[str, SeedError] = {e.path: e for e in scan.errors}
    entries: dict[str, tuple[str, str | None, str | None]] = {}
    for seed in scan.seeds.values():
        entries[seed.id] = (seed.name, seed.schedule, None)
    for job_id, state in jobs.items():
        kwargs = state.get("kwargs", {})
        path = kwargs.get("path")
        if job_id not in entries and path in problems:
            seed = kwargs.get("seed", {})
            entries[job_id] = (seed.get("name", job_id), seed.get("schedule"), str(problems[path]))
    rows = []
    for source_id in sorted(entries):
        name, schedule, problem = entries[source_id]
        job = jobs.get(source_id)
        if schedule is None:
            next_run = None
        elif job is not None:
            next_run = job.get("next_run_time")
        else:
            next_run = next_fire(schedule, now=now)
        run = runs.get(source_id)
        rows.append(
            {
                "id": source_id,
                "name": name,
                "schedule": schedule,
                "next_run": format_time(next_run),
                "last_run": None
                if run is None
                else {
                    "status": run.status,
                    "started_at": format_time(run.started_at),
                    "finished_at": format_time(run.finished_at),
                    "message": run.message,
                },
                "seed_problem": problem,
            }
        )
    return rows
