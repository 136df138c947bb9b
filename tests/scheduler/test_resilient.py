"""The scheduler loop survives a job store that can't be written for a while."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.triggers.interval import IntervalTrigger

from scheduler.executor import CrawlExecutor
from scheduler.jobs import EXECUTOR, JOBS_TABLE, scheduled_crawl
from scheduler.resilient import ResilientScheduler


def test_scheduling_resumes_after_the_job_store_was_locked(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "archive.db"
    # A short busy timeout, so that a held write lock fails the store's update at once.
    engine = sa.create_engine(f"sqlite:///{path}", connect_args={"timeout": 0.1})
    runs: list[dt.datetime] = []

    def record(_job: Job, at: dt.datetime) -> None:
        runs.append(at)

    scheduler = ResilientScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=engine, tablename=JOBS_TABLE)},
        executors={EXECUTOR: CrawlExecutor(record, max_parallel=1)},
        timezone="UTC",
        jobstore_retry_interval=0.2,
    )
    scheduler.start()
    try:
        scheduler.add_job(
            scheduled_crawl,
            IntervalTrigger(seconds=0.3),
            id="a",
            kwargs={"seed": {"id": "a"}, "path": None},
            executor=EXECUTOR,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=60,
        )
        _wait(lambda: len(runs) >= 1)
        blocker = sqlite3.connect(path, timeout=5)
        with caplog.at_level(logging.ERROR, logger="gongkai.schedule"):
            blocker.execute("BEGIN IMMEDIATE")
            _wait(lambda: "job store error" in caplog.text)
            blocker.rollback()
            blocker.close()
            before = len(runs)
            _wait(lambda: len(runs) >= before + 3)
    finally:
        scheduler.shutdown(wait=True)
        engine.dispose()


def _wait(check: Callable[[], object], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)
