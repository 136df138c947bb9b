"""One crawl of a source at a time: claims, heartbeats, lapsed holders, and two claims at once."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import threading

import pytest

from archive import Archive, RunCounts, SourceBusy
from archive.queries import find_runs

HERE = socket.gethostname()


def dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def statuses(archive: Archive, source: str = "s") -> dict[int, tuple[str, str | None]]:
    with archive.session() as s:
        return {r["id"]: (r["status"], r["message"]) for r in find_runs(s, source)}


def test_a_live_claim_refuses_a_second_crawl_of_the_same_source(archive: Archive) -> None:
    first = archive.claim_run("s", holder=f"{HERE}:{os.getpid()}")
    with pytest.raises(SourceBusy) as refused:
        archive.claim_run("s")
    message = str(refused.value)
    assert f"another crawl of s is running: run {first} (pid " in message
    assert message.startswith("not crawled:") and "last heartbeat 0 s ago" in message
    assert refused.value.run.run_id == first
    assert archive.claim_run("t") != first  # other sources are free
    assert list(statuses(archive)) == [first]  # the refused claim wrote nothing


def test_a_finished_run_frees_its_source(archive: Archive) -> None:
    first = archive.claim_run("s")
    live = archive.live_run("s")
    assert live is not None and live.run_id == first
    archive.finish_run(first, status="ok", counts=RunCounts(pages=1))
    assert archive.live_run("s") is None
    second = archive.claim_run("s")
    assert statuses(archive) == {first: ("ok", None), second: ("running", None)}


def test_a_holder_whose_process_is_gone_loses_its_claim_at_once(archive: Archive) -> None:
    crashed = archive.claim_run("s", holder=f"{HERE}:{dead_pid()}")
    assert archive.live_run("s") is None
    second = archive.claim_run("s")
    status, message = statuses(archive)[crashed]
    assert status == "failed" and "ended without finishing the run" in (message or "")
    assert "is gone" in (message or "")
    assert statuses(archive)[second][0] == "running"


def test_a_remote_holder_loses_its_claim_when_its_heartbeat_stops(archive: Archive) -> None:
    remote = archive.claim_run("s", holder="another-host:4242")
    # a remote process can't be looked up, so its claim holds while its heartbeat is fresh
    with pytest.raises(SourceBusy):
        archive.claim_run("s")
    assert archive.heartbeat(remote)
    # ... and lapses once the lease has run out (a zero lease: the last heartbeat is too old)
    assert archive.live_run("s", lease=dt.timedelta(0)) is None
    archive.claim_run("s", lease=dt.timedelta(0))
    status, message = statuses(archive)[remote]
    assert status == "failed" and "no heartbeat from another-host:4242" in (message or "")


def test_heartbeat_renews_until_the_run_is_closed(archive: Archive) -> None:
    run = archive.claim_run("s")
    before = archive.live_run("s")
    assert before is not None and before.heartbeat_at is not None
    assert archive.heartbeat(run)
    after = archive.live_run("s")
    assert after is not None and after.heartbeat_at is not None
    assert after.heartbeat_at >= before.heartbeat_at
    archive.finish_run(run, status="failed", counts=RunCounts(), message="stopped")
    assert not archive.heartbeat(run)  # a closed run is not reopened by a late heartbeat
    assert statuses(archive)[run] == ("failed", "stopped")


def test_rows_without_a_holder_claim_nothing(archive: Archive) -> None:
    recorded = archive.start_run("s")  # the scheduler recording a run that never started
    assert archive.live_run("s") is None
    claimed = archive.claim_run("s")
    assert statuses(archive) == {recorded: ("running", None), claimed: ("running", None)}


def test_two_claims_at_once_let_exactly_one_crawl_run(db_url: str, archive: Archive) -> None:
    """Each claimant has its own engine, as two processes would; the source row's lock
    decides between them."""
    pid = os.getpid()
    barrier = threading.Barrier(4)
    won: list[int] = []
    refused: list[SourceBusy] = []

    def claim(n: int) -> None:
        mine = Archive.open(db_url)
        try:
            barrier.wait(timeout=30)
            won.append(mine.claim_run("s", holder=f"{HERE}:{pid}"))
        except SourceBusy as exc:
            refused.append(exc)
        finally:
            mine.close()

    threads = [threading.Thread(target=claim, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(won) == 1 and len(refused) == 3
    assert {exc.run.run_id for exc in refused} == set(won)
    assert list(statuses(archive)) == won
