"""Seeds to jobs: what a sync adds, reschedules, updates, removes and keeps, on a real
APScheduler with a real job store (memory, and the archive's SQLite file)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from archive.db import create_archive_engine
from crawler.seeds import scan_seeds
from scheduler.executor import CrawlExecutor
from scheduler.jobs import EXECUTOR, JOBS_TABLE, JobPolicy, job_seed, missed_slots, sync_jobs

POLICY = JobPolicy(misfire_grace_s=600)
NOW = dt.datetime(2024, 2, 2, 12, 0, tzinfo=dt.UTC)


def _seed(folder: Path, source: str, **keys: Any) -> Path:
    data = {"id": source, "name": f"{source} 民政局", "start_urls": [f"http://{source}.test/"]}
    data.update(keys)
    path = folder / f"{source}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _scheduler(store: Any = None) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(
        jobstores={"default": store or MemoryJobStore()},
        executors={EXECUTOR: CrawlExecutor(lambda job, at: None, max_parallel=1)},
        timezone="Asia/Shanghai",
    )
    scheduler.start(paused=True)
    return scheduler


@pytest.fixture
def scheduler() -> Iterator[BackgroundScheduler]:
    s = _scheduler()
    yield s
    s.shutdown(wait=False)


def test_one_job_per_scheduled_seed_with_the_contracted_options(
    tmp_path: Path, scheduler: BackgroundScheduler
) -> None:
    _seed(tmp_path, "a-mzj", schedule="0 3 * * *", timeout="30m")
    _seed(tmp_path, "b-mzj")  # manual only
    report = sync_jobs(scheduler, scan_seeds(tmp_path), policy=POLICY, now=NOW)
    assert report.added == ["a-mzj"]
    (job,) = scheduler.get_jobs()
    assert job.id == "a-mzj"
    assert (job.max_instances, job.coalesce, job.misfire_grace_time) == (1, True, 600)
    assert job.executor == EXECUTOR
    assert 0 < job.trigger.jitter <= 60
    assert job_seed(job).timeout == 1800
    fire = job.next_run_time.astimezone(dt.timezone(dt.timedelta(hours=8)))
    assert (fire.hour, fire.minute) == (3, 0)


def test_an_unchanged_seed_keeps_its_stored_next_run_time(
    tmp_path: Path, scheduler: BackgroundScheduler
) -> None:
    _seed(tmp_path, "a-mzj", schedule="0 3 * * *")
    sync_jobs(scheduler, scan_seeds(tmp_path), policy=POLICY, now=NOW)
    overdue = dt.datetime(2024, 2, 1, 19, 0, tzinfo=dt.UTC)
    scheduler.modify_job("a-mzj", next_run_time=overdue)
    report = sync_jobs(scheduler, scan_seeds(tmp_path), policy=POLICY, now=NOW)
    assert not report.changed
    assert scheduler.get_job("a-mzj").next_run_time == overdue


def test_a_new_schedule_reschedules_and_other_changes_only_update(
    tmp_path: Path, scheduler: BackgroundScheduler
) -> None:
    _seed(tmp_path, "a-mzj", schedule="0 3 * * *")
    _seed(tmp_path, "b-mzj", schedule="0 3 * * *", delay=1.0)
    sync_jobs(scheduler, scan_seeds(tmp_path), policy=POLICY, now=NOW)
    overdue = dt.datetime(2024, 2, 1, 19, 0, tzinfo=dt.UTC)
    for job_id in ("a-mzj", "b-mzj"):
        scheduler.modify_job(job_id, next_run_time=overdue)

    _seed(tmp_path, "a-mzj", schedule="30 4 * * *")
    _seed(tmp_path, "b-mzj", schedule="0 3 * * *", delay=2.5)
    report = sync_jobs(scheduler, scan_seeds(tmp_path), policy=POLICY, now=NOW)
    assert (report.rescheduled, report.updated) == (["a-mzj"], ["b-mzj"])
    a, b = scheduler.get_job("a-mzj"), scheduler.get_job("b-mzj")
    fire = a.next_run_time.astimezone(dt.timezone(dt.timedelta(hours=8)))
    assert (fire.hour, fire.minute) == (4, 30)
    assert job_seed(a).schedule == "30 4 * * *"
    assert b.next_run_time == overdue
    assert job_seed(b).delay == 2.5


def test_an_invalid_seed_file_keeps_its_last_good_version(
    tmp_path: Path, scheduler: BackgroundScheduler
) -> None:
    path = _seed(tmp_path, "a-mzj", schedule="0 3 * * *", delay=3.0)
    sync_jobs(scheduler, scan_seeds(tmp_path), policy=POLICY, now=NOW)
    path.write_text("id: a-mzj\nschedule: 99 * * * *\n", encoding="utf-8")
    report = sync_jobs(scheduler, scan_seeds(tmp_path), policy=POLICY, now=NOW)
    assert report.kept == {"a-mzj": str(path)}
    assert {e.path for e in report.problems} == {str(path)}
    assert job_seed(scheduler.get_job("a-mzj")).delay == 3.0


def test_removed_seeds_and_dropped_schedules_remove_their_jobs(
    tmp_path: Path, scheduler: BackgroundScheduler
) -> None:
    a = _seed(tmp_path, "a-mzj", schedule="0 3 * * *")
    _seed(tmp_path, "b-mzj", schedule="0 3 * * *")
    sync_jobs(scheduler, scan_seeds(tmp_path), policy=POLICY, now=NOW)
    a.unlink()
    _seed(tmp_path, "b-mzj")
    report = sync_jobs(scheduler, scan_seeds(tmp_path), policy=POLICY, now=NOW)
    assert sorted(report.removed) == ["a-mzj", "b-mzj"]
    assert scheduler.get_jobs() == []


def test_jobs_and_their_seed_versions_survive_a_restart_in_the_archive_database(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    _seed(seeds, "a-mzj", schedule="*/10 * * * * *", delay=2.0)
    first = _scheduler(SQLAlchemyJobStore(engine=create_archive_engine(url), tablename=JOBS_TABLE))
    sync_jobs(first, scan_seeds(seeds), policy=POLICY, now=NOW)
    stored_next = first.get_job("a-mzj").next_run_time
    first.shutdown(wait=False)

    second = _scheduler(SQLAlchemyJobStore(engine=create_archive_engine(url), tablename=JOBS_TABLE))
    try:
        (job,) = second.get_jobs()
        assert job.next_run_time == stored_next
        assert job_seed(job).delay == 2.0
        assert not sync_jobs(second, scan_seeds(seeds), policy=POLICY, now=NOW).changed
        slots, last = missed_slots(job, now=stored_next + dt.timedelta(seconds=25))
        assert slots == 3
        assert last is not None and stored_next + dt.timedelta(seconds=19) < last
    finally:
        second.shutdown(wait=False)
