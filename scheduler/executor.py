"""An APScheduler executor that runs each due job as a crawl, a few at a time.

APScheduler's thread pool would call the job's function; here a run is a child process that
must be watched, timed out and, at shutdown, stopped, so the executor hands each due job to a
run function given by the service. Its pool size is the global cap on parallel crawls: a job
that comes due while every slot is busy waits for one, and still counts as that source's
running instance, so the source's next slot is skipped rather than queued twice.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MISSED,
    JobExecutionEvent,
)
from apscheduler.executors.base import BaseExecutor
from apscheduler.job import Job

log = logging.getLogger("gongkai.schedule")

RunFunction = Callable[[Job, dt.datetime], Any]


class CrawlExecutor(BaseExecutor):
    """Runs due jobs through `run(job, scheduled_time)` on at most max_parallel threads."""

    def __init__(self, run: RunFunction, *, max_parallel: int) -> None:
        super().__init__()
        self._run = run
        self._pool = concurrent.futures.ThreadPoolExecutor(max_parallel, thread_name_prefix="crawl")
        self._closing = threading.Event()

    def close(self) -> None:
        """Start no more runs; those already running go on."""
        self._closing.set()

    def _do_submit_job(self, job: Job, run_times: list[dt.datetime]) -> None:
        future = self._pool.submit(self._run_job, job, run_times)

        def done(f: concurrent.futures.Future[list[JobExecutionEvent]]) -> None:
            exc = f.exception()
            if exc is not None:
                self._run_job_error(job.id, exc, exc.__traceback__)
            else:
                self._run_job_success(job.id, f.result())

        future.add_done_callback(done)

    def _run_job(self, job: Job, run_times: list[dt.datetime]) -> list[JobExecutionEvent]:
        events = []
        alias = job._jobstore_alias
        for run_time in run_times:
            if self._closing.is_set():
                log.info("run not started source=%s reason=shutting down", job.id)
                break
            late = dt.datetime.now(dt.UTC) - run_time
            grace = job.misfire_grace_time
            if grace is not None and late > dt.timedelta(seconds=grace):
                log.warning(
                    "run missed source=%s scheduled_for=%s late=%.0fs grace=%ss",
                    job.id,
                    run_time.isoformat(timespec="seconds"),
                    late.total_seconds(),
                    grace,
                )
                events.append(JobExecutionEvent(EVENT_JOB_MISSED, job.id, alias, run_time))
                continue
            try:
                value = self._run(job, run_time)
            except Exception as exc:
                log.exception("run error source=%s: %s", job.id, exc)
                events.append(
                    JobExecutionEvent(
                        EVENT_JOB_ERROR,
                        job.id,
                        alias,
                        run_time,
                        exception=exc,
                        traceback="".join(traceback.format_tb(exc.__traceback__)),
                    )
                )
            else:
                events.append(
                    JobExecutionEvent(EVENT_JOB_EXECUTED, job.id, alias, run_time, retval=value)
                )
        return events

    def shutdown(self, wait: bool = True) -> None:
        self._closing.set()
        self._pool.shutdown(wait=wait)
