"""`gongkai schedule`: run the scheduler service in the foreground until SIGTERM or SIGINT."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from archive.cli.options import common_options
from scheduler.journald import use_journal_format
from scheduler.service import SchedulerService, ServiceOptions


def _service_logging() -> None:
    """The service's own events at INFO whatever -v says; APScheduler's only when debugging;
    syslog priorities on each line under systemd."""
    use_journal_format()
    ours = logging.getLogger("gongkai.schedule")
    if ours.getEffectiveLevel() > logging.INFO:
        ours.setLevel(logging.INFO)
    debugging = logging.getLogger().getEffectiveLevel() <= logging.DEBUG
    # The service logs runs, misses and skips itself, one line each; APScheduler's lines
    # would repeat them.
    logging.getLogger("apscheduler").setLevel(logging.DEBUG if debugging else logging.ERROR)


@click.command("schedule")
@common_options
@click.option(
    "--max-parallel",
    type=click.IntRange(1, 32),
    default=2,
    show_default=True,
    help="Crawls running at the same time, across all sources.",
)
@click.option(
    "--wait", is_flag=True, help="If another scheduler holds this archive, wait for it to stop."
)
@click.option(
    "--metrics-port",
    type=click.IntRange(0, 65535),
    default=None,
    help="Serve Prometheus metrics on 127.0.0.1:PORT/metrics (0 picks a free port, logged).",
)
@click.option(
    "--rescan",
    type=click.FloatRange(min=0),
    default=60.0,
    show_default=True,
    help="Seconds between re-reads of the seed files (0: only on SIGHUP).",
)
@click.option(
    "--stop-grace",
    type=click.FloatRange(min=0),
    default=60.0,
    show_default=True,
    help="Seconds running crawls get to finish after SIGTERM/SIGINT before they are stopped.",
)
@click.option(
    "--misfire-grace",
    type=click.FloatRange(min=1),
    default=6 * 3600.0,
    show_default=True,
    help="A run missed (service down, no free slot) by less than this many seconds still "
    "runs, once; older misses are skipped.",
)
def schedule_command(
    db: str,
    seeds: str,
    max_parallel: int,
    wait: bool,
    metrics_port: int | None,
    rescan: float,
    stop_grace: float,
    misfire_grace: float,
) -> None:
    """Crawl every source that has a `schedule` on its cron (Asia/Shanghai), until stopped.

    One crawl child process per run, killed after the seed's `timeout`. SIGHUP re-reads the
    seeds; SIGTERM or SIGINT stops starting runs, lets running crawls finish for
    --stop-grace seconds, stops the rest and exits 0. One scheduler per archive: a second
    one exits 1, or waits with --wait.
    """
    _service_logging()
    options = ServiceOptions(
        db_url=db,
        seeds_path=Path(seeds),
        max_parallel=max_parallel,
        wait=wait,
        metrics_port=metrics_port,
        rescan_s=rescan,
        stop_grace_s=stop_grace,
        misfire_grace_s=misfire_grace,
    )
    raise SystemExit(SchedulerService(options).run())
