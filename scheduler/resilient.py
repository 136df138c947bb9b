"""A BackgroundScheduler whose loop outlives a database outage.

APScheduler 3 calls the job store from its loop thread. Errors reading due jobs are retried,
but an error saving a job's next run time (the database restarting, SQLite busy beyond its
timeout) escapes and ends the thread: the service would go on running and never schedule
again. Here the loop logs the error and tries again after `jobstore_retry_interval`.
"""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler

log = logging.getLogger("gongkai.schedule")


class ResilientScheduler(BackgroundScheduler):
    """BackgroundScheduler that keeps its loop alive through job store errors."""

    def _process_jobs(self) -> float | None:
        try:
            wait: float | None = super()._process_jobs()
        except Exception as exc:
            retry = float(self.jobstore_retry_interval)
            log.error("job store error: %s; scheduling resumes in %.0fs", exc, retry)
            return retry
        return wait
