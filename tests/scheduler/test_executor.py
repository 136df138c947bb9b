"""CrawlExecutor under a running APScheduler: the parallel cap, misfires beyond the grace,
one instance per source, and no new runs once closed. The run function stands in for a
crawl child and records what it was asked to do."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from apscheduler.events import EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED, JobEvent
from apscheduler.job import Job
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from scheduler.executor import CrawlExecutor
from scheduler.jobs import EXECUTOR, scheduled_crawl


class Crawls:
    """A run function that blocks until released, tracking how many run at once."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.running = 0
        self.most_at_once = 0
        self.release = threading.Event()
        self._lock = threading.Lock()

    def __call__(self, job: Job, _at: dt.datetime) -> None:
        with self._lock:
            self.started.append(job.id)
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        self.release.wait(10)
        with self._lock:
            self.running -= 1


def _wait(check: Callable[[], object], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.fixture
def crawls() -> Iterator[Crawls]:
    c = Crawls()
    yield c
    c.release.set()


def _start(crawls: Crawls, *, max_parallel: int) -> tuple[BackgroundScheduler, CrawlExecutor]:
    executor = CrawlExecutor(crawls, max_parallel=max_parallel)
    scheduler = BackgroundScheduler(
        jobstores={"default": MemoryJobStore()}, executors={EXECUTOR: executor}, timezone="UTC"
    )
    scheduler.start()
    return scheduler, executor


def _add(scheduler: BackgroundScheduler, job_id: str, trigger: object, grace: int = 60) -> None:
    scheduler.add_job(
        scheduled_crawl,
        trigger,
        id=job_id,
        kwargs={"seed": {"id": job_id}, "path": None},
        executor=EXECUTOR,
        max_instances=1,
        coalesce=True,
        misfire_grace_time=grace,
    )


def test_no_more_than_max_parallel_crawls_run_at_once(crawls: Crawls) -> None:
    scheduler, _ = _start(crawls, max_parallel=2)
    try:
        now = dt.datetime.now(dt.UTC)
        for job_id in ("a", "b", "c"):
            _add(scheduler, job_id, DateTrigger(now))
        _wait(lambda: len(crawls.started) == 2)
        time.sleep(0.3)  # the third is waiting for a slot, not running
        assert len(crawls.started) == 2
        crawls.release.set()
        _wait(lambda: len(crawls.started) == 3)
        assert crawls.most_at_once == 2
    finally:
        scheduler.shutdown(wait=True)


def test_a_run_later_than_its_grace_is_missed_not_run(crawls: Crawls) -> None:
    scheduler, _ = _start(crawls, max_parallel=1)
    missed: list[JobEvent] = []
    scheduler.add_listener(missed.append, EVENT_JOB_MISSED)
    try:
        _add(scheduler, "late", DateTrigger(dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)))
        _wait(lambda: missed)
        assert [e.job_id for e in missed] == ["late"]
        assert crawls.started == []
    finally:
        scheduler.shutdown(wait=True)


def test_a_source_still_running_skips_its_next_slot(crawls: Crawls) -> None:
    scheduler, _ = _start(crawls, max_parallel=2)
    skipped: list[JobEvent] = []
    scheduler.add_listener(skipped.append, EVENT_JOB_MAX_INSTANCES)
    try:
        _add(scheduler, "busy", IntervalTrigger(seconds=0.2))
        _wait(lambda: skipped, timeout=5)
        assert crawls.started == ["busy"]
    finally:
        crawls.release.set()
        scheduler.shutdown(wait=True)


def test_a_closed_executor_starts_nothing(crawls: Crawls) -> None:
    scheduler, executor = _start(crawls, max_parallel=1)
    try:
        executor.close()
        _add(scheduler, "a", DateTrigger(dt.datetime.now(dt.UTC)))
        _wait(lambda: scheduler.get_job("a") is None)  # fired, and not run
        time.sleep(0.2)
        assert crawls.started == []
    finally:
        scheduler.shutdown(wait=True)
