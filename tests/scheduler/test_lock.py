"""The one-scheduler-per-archive lock: flock on SQLite, advisory lock on PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from scheduler.errors import LockLost, SchedulerLocked, UnsupportedArchive
from scheduler.lock import AdvisoryLock, FileLock, acquire, lock_for


def _never(_holder: str | None) -> None:
    raise AssertionError("should not wait")


def test_sqlite_archives_lock_a_file_beside_the_database(tmp_path: Path) -> None:
    lock = lock_for(f"sqlite:///{tmp_path / 'archive.db'}")
    assert isinstance(lock, FileLock)
    assert lock.path == tmp_path / "archive.db.scheduler-lock"


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:", "mysql://db/gongkai"])
def test_archives_a_scheduler_cannot_share_are_refused(url: str) -> None:
    with pytest.raises(UnsupportedArchive, match=r"SQLite.* or PostgreSQL"):
        lock_for(url)


def test_a_second_file_lock_is_refused_with_the_holder_named(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    first, second = lock_for(url), lock_for(url)
    stop = threading.Event()
    assert acquire(first, wait=False, stop=stop, on_wait=_never)
    with pytest.raises(SchedulerLocked) as refused:
        acquire(second, wait=False, stop=stop, on_wait=_never)
    assert f"pid {os.getpid()} on " in str(refused.value)
    assert refused.value.archive == url
    first.release()
    assert acquire(second, wait=False, stop=stop, on_wait=_never)
    second.release()


def test_waiting_for_a_held_lock_ends_when_told_to_stop(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    holder, waiter = lock_for(url), lock_for(url)
    assert holder.try_acquire()
    stop = threading.Event()
    told: list[str | None] = []

    def waiting(who: str | None) -> None:
        told.append(who)
        stop.set()

    assert acquire(waiter, wait=True, stop=stop, on_wait=waiting) is False
    assert told and told[0] and f"pid {os.getpid()}" in told[0]
    holder.release()


def test_a_killed_holder_leaves_the_file_lock_free(tmp_path: Path) -> None:
    lock_path = tmp_path / "archive.db.scheduler-lock"
    script = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from scheduler.lock import FileLock
        assert FileLock(Path({str(lock_path)!r}), archive="a").try_acquire()
        print("locked", flush=True)
        time.sleep(60)
        """
    )
    holder = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        assert not FileLock(lock_path, archive="a").try_acquire()
        holder.kill()
        holder.wait()
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    again = FileLock(lock_path, archive="a")
    assert again.try_acquire()
    again.release()


def test_a_removed_lock_file_is_noticed(tmp_path: Path) -> None:
    lock = FileLock(tmp_path / "x.scheduler-lock", archive="x")
    assert lock.try_acquire()
    lock.verify()
    lock.path.unlink()
    with pytest.raises(LockLost, match="removed or replaced"):
        lock.verify()
    lock.release()


@pytest.mark.postgres
def test_the_postgresql_lock_admits_one_scheduler_and_names_it(pg_url: str) -> None:
    first, second = lock_for(pg_url), lock_for(pg_url)
    assert isinstance(first, AdvisoryLock)
    try:
        assert first.try_acquire()
        assert not second.try_acquire()
        holder = second.holder()
        assert holder is not None and holder.startswith(f"gongkai schedule, pid {os.getpid()} on ")
        first.verify()
    finally:
        first.release()
        second.release()
    third = lock_for(pg_url)
    try:
        assert third.try_acquire()
    finally:
        third.release()


@pytest.mark.postgres
def test_a_dropped_postgresql_session_is_retaken_or_reported_lost(pg_url: str) -> None:
    first, rival = lock_for(pg_url), lock_for(pg_url)
    admin = sa.create_engine(pg_url)

    def end_session_of(lock: AdvisoryLock) -> None:
        assert lock._conn is not None
        pid = lock._conn.execute(sa.text("SELECT pg_backend_pid()")).scalar()
        with admin.connect() as conn:
            conn.execute(sa.text("SELECT pg_terminate_backend(:p)"), {"p": pid})

    assert isinstance(first, AdvisoryLock)
    try:
        assert first.try_acquire()
        end_session_of(first)
        first.verify()  # nobody took it meanwhile: taken again
        end_session_of(first)
        assert rival.try_acquire()
        with pytest.raises(LockLost, match="taken over by another scheduler"):
            first.verify()
    finally:
        first.release()
        rival.release()
        admin.dispose()
