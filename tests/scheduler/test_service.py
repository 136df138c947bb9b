"""The real `gongkai schedule` service in a subprocess, crawling the local portal on
six-field cron schedules that fire within seconds."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import re
import signal
import socket
import sqlite3
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from archive import Archive
from archive.queries import DocumentFilter, document_json, find_documents
from crawler.portal import Portal
from tests.conftest import run_gongkai
from tests.scheduler.conftest import (
    ServiceProcess,
    at_seconds,
    runs_of,
    sleep_until,
    wait_until,
    write_seed,
    write_seeds,
)

pytestmark = pytest.mark.slow

Service = Callable[..., ServiceProcess]


def _sqlite_path(url: str) -> str:
    return url.removeprefix("sqlite:///")


def _metrics(url: str) -> dict[str, float]:
    with urllib.request.urlopen(url, timeout=10) as response:
        text = response.read().decode()
    values = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            values[name] = float(value)
    return values


def _within(logged: str, slot: dt.datetime, *, jitter: float) -> bool:
    """Whether a logged scheduled time is the slot, give or take its jitter (shown to the
    second)."""
    at = dt.datetime.fromisoformat(logged)
    return slot <= at <= slot + dt.timedelta(seconds=jitter)


def _at_4am(logged: str) -> bool:
    """Whether a time is 04:00 Shanghai time, within a daily schedule's 60 s of jitter."""
    at = dt.datetime.fromisoformat(logged)
    return at.utcoffset() == dt.timedelta(hours=8) and _within(
        logged, at.replace(hour=4, minute=0, second=0), jitter=60
    )


def _documents(db_url: str, source: str) -> list[dict[str, Any]]:
    """A source's documents, as `gongkai query --json` shows them."""
    with Archive.open(db_url) as archive, archive.session() as s:
        return [document_json(d) for d in find_documents(s, DocumentFilter(source=source))]


def _pid_gone(pid: int) -> bool:
    try:
        Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return False


def test_runs_happen_on_schedule_and_land_in_runs(
    portal: Portal, tmp_path: Path, sqlite_url: str, service: Service
) -> None:
    sources = ("lanzhou-mzj", "weihai-mzj")
    seeds = write_seeds(tmp_path / "seeds", portal, sources, schedule="*/5 * * * * *")
    svc = service(
        *("--db", sqlite_url, "--seeds", str(seeds)),
        *("--max-parallel", "1", "--metrics-port", "0"),
    )
    metrics_url = svc.wait_for(r"metrics serving url=(\S+)").group(1)
    svc.wait_for(r"scheduler started .* scheduled=2")

    def repeated_runs() -> bool:
        ok = [r["source"] for r in runs_of(sqlite_url) if r["status"] == "ok"]
        return ok.count("lanzhou-mzj") >= 2 and ok.count("weihai-mzj") >= 1

    wait_until(repeated_runs, what="two ok runs of lanzhou-mzj and one of weihai-mzj")

    # Every run started on a */5 slot, and no two crawls overlapped (--max-parallel 1).
    for m in svc.matches(r"run started source=(\S+) scheduled_for=(\S+)"):
        assert m.group(1) in sources
        assert dt.datetime.fromisoformat(m.group(2)).second % 5 == 0, m.group(0)
    closed = [r for r in runs_of(sqlite_url) if r["finished_at"]]
    closed.sort(key=lambda r: r["started_at"])
    for before, after in itertools.pairwise(closed):
        assert after["started_at"] >= before["finished_at"], (before, after)
    first = {s: next(r for r in closed if r["source"] == s) for s in sources}
    assert all(first[s]["new_documents"] == 9 for s in sources), first

    finished = svc.matches(
        r"run finished source=(\S+) run=\d+ status=ok pages=(\d+) new_documents=\d+ "
        r"new_versions=\d+ gone=\d+ errors=\d+ duration=[\d.]+s"
    )
    assert {m.group(1) for m in finished} == set(sources)

    listed = json.loads(
        run_gongkai("sources", "--db", sqlite_url, "--seeds", str(seeds), "--json").stdout
    )
    assert [row["id"] for row in listed] == sorted(sources)
    for row in listed:
        assert row["schedule"] == "*/5 * * * * *"
        next_run = dt.datetime.fromisoformat(row["next_run"])
        assert next_run.utcoffset() == dt.timedelta(hours=8)
        assert next_run.second % 5 == 0
        assert row["last_run"]["status"] in ("ok", "running")

    values = _metrics(metrics_url)
    for s in sources:
        assert values[f'gongkai_runs_total{{source="{s}",status="ok"}}'] >= 1
        assert values[f'gongkai_documents_archived_total{{source="{s}"}}'] == 9
        assert values[f'gongkai_versions_archived_total{{source="{s}"}}'] >= 9
        assert values[f'gongkai_last_success_timestamp_seconds{{source="{s}"}}'] > 0
    assert values["gongkai_sources_scheduled"] == 2

    assert svc.stop() == 0
    assert "scheduler stopped signal=SIGTERM" in svc.log


def test_a_run_missed_while_down_runs_once_after_restart(
    portal: Portal, tmp_path: Path, sqlite_url: str, service: Service
) -> None:
    # Three slots, all while the service is down; then nothing for about a minute.
    schedule, slots = at_seconds(7, 8, 9)
    seeds = write_seeds(tmp_path / "seeds", portal, ["lanzhou-mzj"], schedule=schedule)
    args = ("--db", sqlite_url, "--seeds", str(seeds))
    first = service(*args)
    first.wait_for("scheduler started .* scheduled=1")
    assert first.stop() == 0
    assert runs_of(sqlite_url) == [], first.log

    sleep_until(slots[-1] + dt.timedelta(seconds=1))
    second = service(*args)
    missed = second.wait_for(r"missed while stopped source=lanzhou-mzj slots=(\d+) last=(\S+); .*")
    assert int(missed.group(1)) == 3
    assert "running it once now (coalesced)" in missed.group(0)
    started = second.wait_for(r"run started source=lanzhou-mzj scheduled_for=(\S+)")
    # The run stands for the last missed slot.
    assert _within(started.group(1), slots[-1], jitter=0.9)
    second.wait_for("run finished source=lanzhou-mzj .* status=ok")

    # Not once per missed slot: no other run follows (the next slot is a minute away).
    time.sleep(2)
    assert second.stop() == 0
    assert len(second.matches("run started")) == 1
    runs = runs_of(sqlite_url)
    assert [r["status"] for r in runs] == ["ok"]


def test_sigterm_lets_short_crawls_finish_stops_long_ones_and_exits_0(
    portal: Portal, tmp_path: Path, sqlite_url: str, service: Service
) -> None:
    schedule, _ = at_seconds(4)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    write_seed(seeds, portal, "lanzhou-mzj", schedule=schedule)
    # Requests 1 s apart: about 17 s in all, the first document after about 6 s, so it is
    # part-way when the grace runs out.
    slow = write_seed(seeds, portal, "weihai-mzj", schedule=schedule, delay=1.0)
    svc = service("--db", sqlite_url, "--seeds", str(seeds), "--stop-grace", "12")
    svc.wait_for("run started source=lanzhou-mzj")
    slow_pid = int(svc.wait_for(r"run started source=weihai-mzj .* pid=(\d+)").group(1))
    svc.send(signal.SIGTERM)

    assert svc.wait() == 0
    assert svc.matches("stopping signal=SIGTERM running=lanzhou-mzj,weihai-mzj")
    assert svc.matches("stopping crawls source=weihai-mzj after=12s grace")
    assert _pid_gone(slow_pid)
    runs = {r["source"]: r for r in runs_of(sqlite_url)}
    assert runs["lanzhou-mzj"]["status"] == "ok"
    assert runs["lanzhou-mzj"]["new_documents"] == 9
    assert runs["weihai-mzj"]["status"] == "failed"
    assert runs["weihai-mzj"]["message"].startswith("stopped: the scheduler shut down")

    # The archive is intact: what the stopped crawl archived is whole, and a new crawl
    # completes it without duplicating anything.
    with sqlite3.connect(_sqlite_path(sqlite_url)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    partial = _documents(sqlite_url, "weihai-mzj")
    assert partial, "the stopped crawl archived nothing before it was stopped"
    assert all(doc["versions"] == 1 for doc in partial)
    write_seed(seeds, portal, "weihai-mzj")  # no delay
    again = run_gongkai("crawl", "weihai-mzj", "--db", sqlite_url, "--seeds", str(slow))
    assert again.returncode == 0, again.stderr
    docs = _documents(sqlite_url, "weihai-mzj")
    assert len(docs) == 9
    with sqlite3.connect(_sqlite_path(sqlite_url)) as db:
        versions = db.execute(
            "SELECT count(v.id), min(v.n), min(length(v.text)) FROM documents d "
            "LEFT JOIN versions v ON v.document_id = d.id "
            "WHERE d.source_id = 'weihai-mzj' GROUP BY d.id"
        ).fetchall()
    assert len(versions) == 9
    assert all(count == 1 and n == 1 and length > 0 for count, n, length in versions), versions
    assert runs_of(sqlite_url, "weihai-mzj")[-1]["new_documents"] == 9 - len(partial)


def test_a_timeout_kills_the_crawl_and_is_recorded(
    portal: Portal, tmp_path: Path, sqlite_url: str, service: Service
) -> None:
    schedule, _ = at_seconds(4)
    seeds = write_seeds(
        tmp_path / "seeds", portal, ["weihai-mzj"], schedule=schedule, delay=1.5, timeout="4s"
    )
    svc = service("--db", sqlite_url, "--seeds", str(seeds))
    pid = int(svc.wait_for(r"run timed out source=weihai-mzj pid=(\d+) after=4s").group(1))
    svc.wait_for("run finished source=weihai-mzj .* status=failed")
    assert _pid_gone(pid)
    assert svc.proc.poll() is None, "the service goes on after a timeout"
    (run,) = runs_of(sqlite_url)
    assert run["status"] == "failed"
    assert run["message"].startswith("timeout")
    assert run["finished_at"] is not None
    assert svc.stop() == 0


def test_a_crawl_killed_from_outside_is_recorded_as_failed(
    portal: Portal, tmp_path: Path, sqlite_url: str, service: Service
) -> None:
    schedule, _ = at_seconds(4)
    seeds = write_seeds(tmp_path / "seeds", portal, ["weihai-mzj"], schedule=schedule, delay=1.0)
    svc = service("--db", sqlite_url, "--seeds", str(seeds))
    pid = int(svc.wait_for(r"run started source=weihai-mzj .* pid=(\d+)").group(1))
    wait_until(lambda: runs_of(sqlite_url), what="the child's run row")
    os.kill(pid, signal.SIGKILL)  # as the OOM killer would
    svc.wait_for("run finished source=weihai-mzj .* status=failed")
    (run,) = runs_of(sqlite_url)
    assert run["status"] == "failed"
    assert run["message"].startswith("the crawl process was killed by SIGKILL without finishing")
    assert svc.stop() == 0


def test_seed_edits_are_picked_up_on_sighup_keeping_the_last_good_version(
    portal: Portal, tmp_path: Path, sqlite_url: str, service: Service
) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    later, (later_at,) = at_seconds(9)
    write_seed(seeds, portal, "lanzhou-mzj", schedule="0 3 * * *")
    weihai = write_seed(seeds, portal, "weihai-mzj")  # manual only
    jinzhong = write_seed(seeds, portal, "jinzhong-mzj", schedule=later)
    svc = service("--db", sqlite_url, "--seeds", str(seeds), "--rescan", "0")
    svc.wait_for("scheduler started .* sources=3 scheduled=2")

    soon, _ = at_seconds(3)
    write_seed(seeds, portal, "weihai-mzj", schedule=soon)  # added
    write_seed(seeds, portal, "lanzhou-mzj", schedule="0 4 * * *")  # rescheduled
    jinzhong.write_text("id: jinzhong-mzj\nschedule: [not, a, cron\n", encoding="utf-8")
    svc.send(signal.SIGHUP)

    svc.wait_for(
        "seeds rescanned trigger=SIGHUP sources=2 scheduled=3 added=weihai-mzj "
        "rescheduled=lanzhou-mzj updated=- removed=- invalid_files=1"
    )
    invalid = svc.wait_for(
        r"seed invalid file=(\S+); keeping the last good version of "
        r"source=jinzhong-mzj: .*YAML syntax error"
    )
    assert invalid.group(1) == str(jinzhong)
    rescheduled = svc.wait_for(r"source rescheduled source=lanzhou-mzj .* next_run=(\S+)")
    assert "schedule='0 4 * * *'" in rescheduled.group(0)
    assert _at_4am(rescheduled.group(1))
    svc.wait_for("run finished source=weihai-mzj .* status=ok")
    # The broken file's source still runs, on its last good version.
    started = svc.wait_for(r"run started source=jinzhong-mzj scheduled_for=(\S+)")
    assert _within(started.group(1), later_at, jitter=3.0)
    svc.wait_for("run finished source=jinzhong-mzj .* status=ok")

    listing = run_gongkai("sources", "--db", sqlite_url, "--seeds", str(seeds), "--json")
    assert "YAML syntax error" in listing.stderr
    rows = {row["id"]: row for row in json.loads(listing.stdout)}
    assert rows["lanzhou-mzj"]["schedule"] == "0 4 * * *"
    assert _at_4am(rows["lanzhou-mzj"]["next_run"])
    assert rows["weihai-mzj"]["last_run"]["status"] == "ok"
    assert rows["jinzhong-mzj"]["schedule"] == later
    assert "YAML syntax error" in rows["jinzhong-mzj"]["seed_problem"]
    assert rows["jinzhong-mzj"]["last_run"]["status"] == "ok"
    assert weihai.exists()
    assert svc.stop() == 0


def test_the_periodic_rescan_drops_a_removed_seed(
    portal: Portal, tmp_path: Path, sqlite_url: str, service: Service
) -> None:
    seeds = write_seeds(
        tmp_path / "seeds", portal, ["lanzhou-mzj", "weihai-mzj"], schedule="0 3 * * *"
    )
    svc = service("--db", sqlite_url, "--seeds", str(seeds), "--rescan", "1")
    svc.wait_for("scheduler started .* scheduled=2")
    (seeds / "weihai-mzj.yaml").unlink()
    svc.wait_for("source unscheduled source=weihai-mzj")
    svc.wait_for("seeds rescanned trigger=rescan sources=1 scheduled=1 .* removed=weihai-mzj")
    assert svc.stop() == 0
    engine = sa.create_engine(sqlite_url)
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT id FROM scheduler_jobs")).scalars().all()
    engine.dispose()
    assert stored == ["lanzhou-mzj"]


def test_a_second_scheduler_is_refused_or_waits_and_a_crash_frees_the_lock(
    portal: Portal, tmp_path: Path, sqlite_url: str, service: Service
) -> None:
    seeds = write_seeds(tmp_path / "seeds", portal, ["lanzhou-mzj"], schedule="0 3 * * *")
    args = ("--db", sqlite_url, "--seeds", str(seeds))
    first = service(*args)
    first.wait_for("scheduler started")

    refused = service(*args)
    assert refused.wait() == 1
    assert re.search(
        rf"gongkai: error: another gongkai schedule \(pid {first.proc.pid} on \S+, since \S+\) "
        r"is running on sqlite:///\S+; only one scheduler may run per archive",
        refused.log,
    ), refused.log
    assert "scheduler started" not in refused.log

    waiting = service(*args, "--wait")
    waiting.wait_for(rf"lock busy .* holder=pid {first.proc.pid} on ")
    assert first.stop() == 0
    waiting.wait_for("scheduler started")

    # A holder that dies without cleaning up does not keep the lock.
    waiting.proc.kill()
    waiting.wait()
    after_crash = service(*args)
    after_crash.wait_for("scheduler started")
    assert after_crash.stop() == 0


def test_a_metrics_port_in_use_is_a_clear_error(
    portal: Portal, tmp_path: Path, sqlite_url: str
) -> None:
    seeds = write_seeds(tmp_path / "seeds", portal, ["lanzhou-mzj"], schedule="0 3 * * *")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_gongkai(
            "schedule", "--db", sqlite_url, "--seeds", str(seeds), "--metrics-port", str(port)
        )
    assert result.returncode == 1
    assert f"gongkai: error: --metrics-port {port}: cannot listen on 127.0.0.1" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.postgres
def test_the_postgresql_lock_refuses_a_second_scheduler_and_frees_on_a_crash(
    portal: Portal, tmp_path: Path, pg_url: str, service: Service
) -> None:
    schedule, _ = at_seconds(4)
    seeds = write_seeds(tmp_path / "seeds", portal, ["lanzhou-mzj"], schedule=schedule)
    args = ("--db", pg_url, "--seeds", str(seeds))
    first = service(*args)
    first.wait_for("run finished source=lanzhou-mzj .* status=ok")
    assert [r["status"] for r in runs_of(pg_url)] == ["ok"]

    refused = service(*args)
    assert refused.wait() == 1
    assert re.search(
        rf"another gongkai schedule \(gongkai schedule, pid {first.proc.pid} on \S+",
        refused.log,
    ), refused.log

    first.proc.kill()
    first.wait()
    restarted = service(*args)
    restarted.wait_for("lock acquired")
    restarted.wait_for("scheduler started .* scheduled=1")
    assert "source scheduled" not in restarted.log, "the job was kept in PostgreSQL"
    assert restarted.stop() == 0


def test_sources_without_a_scheduler_shows_the_cron_next_time(
    portal: Portal, tmp_path: Path, sqlite_url: str
) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    write_seed(seeds, portal, "lanzhou-mzj", schedule="30 2 * * 1-5")
    write_seed(seeds, portal, "weihai-mzj")
    result = run_gongkai("sources", "--db", sqlite_url, "--seeds", str(seeds), "--json")
    assert result.returncode == 0, result.stderr
    lanzhou, weihai = json.loads(result.stdout)
    next_run = dt.datetime.fromisoformat(lanzhou["next_run"])
    assert (next_run.hour, next_run.minute, next_run.isoweekday() <= 5) == (2, 30, True)
    assert lanzhou["last_run"] is None
    assert weihai == {
        "id": "weihai-mzj",
        "name": "威海市民政局",
        "schedule": None,
        "next_run": None,
        "last_run": None,
        "seed_problem": None,
    }
    table = run_gongkai("sources", "--db", sqlite_url, "--seeds", str(seeds))
    assert "30 2 * * 1-5" in table.stdout
    assert "manual" in table.stdout
