"""The launcher leaves a source alone while another crawl (a manual one) holds it."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest

from archive import Archive, RunCounts, SourceInfo
from crawler.seeds import parse_seed
from scheduler.launcher import CrawlLauncher
from scheduler.metrics import SchedulerMetrics
from scheduler.runs import last_run_id


def test_a_source_held_by_another_crawl_is_skipped_not_started(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = f"sqlite:///{tmp_path / 'archive.db'}"
    # the port is closed: a crawl child, were one started, would fail and write a run
    seed = parse_seed(
        {
            "id": "held",
            "name": "兰州市民政局",
            "start_urls": ["http://127.0.0.1:9/col/1.html"],
            "retries": 0,
        },
        "held.yaml",
    )
    archive = Archive.open(db)
    archive.sync_sources([SourceInfo(id="held", name=seed.name)])
    manual = archive.claim_run("held")
    launcher = CrawlLauncher(
        db_url=db, archive=archive, workdir=tmp_path, metrics=SchedulerMetrics()
    )
    now = dt.datetime.now(dt.UTC)
    with caplog.at_level(logging.INFO, logger="gongkai"):
        assert launcher.run(seed, scheduled_for=now) is None
    assert last_run_id(archive, "held") == manual  # no run written, no child started
    assert not list(tmp_path.glob("*.stderr"))
    assert f"run skipped source=held reason=another crawl of it is running: run {manual}" in (
        caplog.text
    )
    # once the manual crawl is over, the scheduled run goes ahead (and fails on the port)
    archive.finish_run(manual, status="ok", counts=RunCounts())
    outcome = launcher.run(seed, scheduled_for=now)
    assert outcome is not None and last_run_id(archive, "held") > manual
    launcher.close()
    archive.close()
