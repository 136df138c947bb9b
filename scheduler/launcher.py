"""One scheduled run: a `gongkai crawl SOURCE` child process, watched until it ends.

Twisted's reactor can't be restarted inside a process, so every run is a fresh child. It
runs in its own process group (a Ctrl-C in the terminal reaches the service, not the crawls,
and a timeout can kill the whole group) and reads the seed version the service validated,
from a private copy, so a seed file edited or broken mid-run changes nothing for it. The
archive URL goes through the environment, not argv, so a password stays out of `ps`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from archive import Archive, RunCounts
from crawler.seeds import Seed
from scheduler.jobs import seed_state
from scheduler.metrics import SchedulerMetrics
from scheduler.runs import RunRecord, fail_runs, last_run_id, runs_after

log = logging.getLogger("gongkai.schedule")

KILL_AFTER_S = 10.0
STDERR_TAIL = 3


@dataclass(frozen=True, kw_only=True)
class RunOutcome:
    """How a scheduled run ended."""

    source_id: str
    run_id: int
    status: str
    counts: RunCounts
    message: str | None
    duration_s: float
    stopped: str | None  # "timeout" or "shutdown" when the service ended the run


class CrawlChild:
    """A running crawl process and why the service stopped it, if it did."""

    def __init__(self, source_id: str, proc: subprocess.Popen[bytes]) -> None:
        self.source_id = source_id
        self.proc = proc
        self.stopped: str | None = None
        self._lock = threading.Lock()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def signal_group(self, sig: signal.Signals) -> None:
        """Send a signal to the child's process group, unless it has been reaped."""
        if self.proc.returncode is None:
            # It may exit between the check and the signal.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, sig)

    def ask_to_stop(self, reason: str) -> None:
        """SIGTERM the group, remembering the first reason given."""
        with self._lock:
            if self.stopped is None:
                self.stopped = reason
        self.signal_group(signal.SIGTERM)

    def stop(self, reason: str, *, kill_after: float) -> None:
        """SIGTERM the group, then SIGKILL it if it is still there after kill_after."""
        self.ask_to_stop(reason)
        try:
            self.proc.wait(timeout=kill_after)
        except subprocess.TimeoutExpired:
            self.signal_group(signal.SIGKILL)
            self.proc.wait()


class CrawlLauncher:
    """Starts crawl children, enforces their timeouts and records how they ended."""

    def __init__(
        self,
        *,
        db_url: str,
        archive: Archive,
        workdir: Path,
        metrics: SchedulerMetrics,
        kill_after: float = KILL_AFTER_S,
    ) -> None:
        self.db_url = db_url
        self.archive = archive
        self.workdir = workdir
        self.metrics = metrics
        self.kill_after = kill_after
        self._children: dict[str, CrawlChild] = {}
        self._lock = threading.Lock()
        self._closed = False

    def close(self) -> None:
        """Start no more crawls; after this, running() is complete."""
        with self._lock:
            self._closed = True

    def running(self) -> list[str]:
        """Source ids with a crawl running now."""
        with self._lock:
            return sorted(self._children)

    def stop_all(self, reason: str) -> None:
        """Stop every running crawl: SIGTERM all, then SIGKILL whatever is left."""
        with self._lock:
            children = list(self._children.values())
        for child in children:
            child.ask_to_stop(reason)
        deadline = time.monotonic() + self.kill_after
        for child in children:
            try:
                child.proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.signal_group(signal.SIGKILL)

    def run(self, seed: Seed, *, scheduled_for: dt.datetime) -> RunOutcome | None:
        """Run one crawl of a seed to its end; None if the launcher is closed or another
        crawl of the source (a manual `gongkai crawl`) is running.

        A failed crawl is recorded and returned, not raised."""
        busy = self.archive.live_run(seed.id)
        if busy is not None:
            log.info(
                "run skipped source=%s reason=another crawl of it is running: %s",
                seed.id,
                busy.describe(dt.datetime.now(dt.UTC)),
            )
            return None
        before = last_run_id(self.archive, seed.id)
        seeds_file = self._write_seed(seed)
        stderr_path = self.workdir / f"{seed.id}.stderr"
        started_at = dt.datetime.now(dt.UTC)
        t0 = time.monotonic()
        env = {**os.environ, "GONGKAI_DB": self.db_url, "GONGKAI_SEEDS": str(seeds_file)}
        command = [sys.executable, "-m", "scheduler.cli.main", "crawl", seed.id]
        command += ["--quiet", "--max-parallel", "1"]
        # Started and registered under the lock, so shutdown sees every child there is.
        child: CrawlChild | None = None
        failure = ""
        with self._lock:
            if self._closed:
                log.info("run not started source=%s reason=shutting down", seed.id)
                return None
            try:
                child = CrawlChild(seed.id, _spawn(command, env=env, stderr_path=stderr_path))
            except OSError as exc:
                failure = f"could not start the crawl process: {exc}"
            else:
                self._children[seed.id] = child
        if child is None:
            record = fail_runs(
                self.archive, seed, after_id=before, started_at=started_at, message=failure
            )
            return self._finish(seed, record, duration_s=0.0, stopped=None)
        proc = child.proc
        self.metrics.running.inc()
        late = (started_at - scheduled_for).total_seconds()
        log.info(
            "run started source=%s scheduled_for=%s late=%.1fs pid=%d timeout=%.0fs",
            seed.id,
            scheduled_for.isoformat(timespec="seconds"),
            late,
            proc.pid,
            seed.timeout,
        )
        try:
            try:
                proc.wait(timeout=seed.timeout)
            except subprocess.TimeoutExpired:
                log.warning(
                    "run timed out source=%s pid=%d after=%.0fs; stopping it",
                    seed.id,
                    proc.pid,
                    seed.timeout,
                )
                child.stop("timeout", kill_after=self.kill_after)
            proc.wait()
        finally:
            with self._lock:
                self._children.pop(seed.id, None)
            self.metrics.running.dec()
        duration = time.monotonic() - t0
        record, stopped = self._record(
            seed,
            child=child,
            after_id=before,
            started_at=started_at,
            stderr_path=stderr_path,
        )
        return self._finish(seed, record, duration_s=duration, stopped=stopped)

    def _write_seed(self, seed: Seed) -> Path:
        """The seed version to run, as a private file (written whole, then renamed)."""
        path = self.workdir / f"{seed.id}.yaml"
        partial = path.with_suffix(".yaml.partial")
        text = yaml.safe_dump(seed_state(seed), allow_unicode=True, sort_keys=False)
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
        return path

    def _record(
        self,
        seed: Seed,
        *,
        child: CrawlChild,
        after_id: int,
        started_at: dt.datetime,
        stderr_path: Path,
    ) -> tuple[RunRecord, str | None]:
        """The run as it should stand in the archive, closing it if the child could not,
        and why the service stopped it (None when the child ended by itself)."""
        code = child.proc.returncode
        rows = runs_after(self.archive, seed.id, after_id=after_id)
        closed = bool(rows) and all(r.status != "running" for r in rows)
        if code == 0 and closed:
            # It finished, even if a stop request crossed its exit.
            return rows[-1], None
        if child.stopped == "timeout":
            message = f"timeout: still running after {seed.timeout:.0f}s; the crawl was killed"
        elif child.stopped == "shutdown":
            message = "stopped: the scheduler shut down before the crawl finished"
        elif code == 1 and closed:
            return rows[-1], None
        else:
            how = f"was killed by {_signal_name(-code)}" if code < 0 else f"exited with {code}"
            tail = _stderr_tail(stderr_path)
            message = f"the crawl process {how} without finishing the run" + (
                f": {tail}" if tail else ""
            )
        record = fail_runs(
            self.archive, seed, after_id=after_id, started_at=started_at, message=message
        )
        return record, child.stopped

    def _finish(
        self, seed: Seed, record: RunRecord, *, duration_s: float, stopped: str | None
    ) -> RunOutcome:
        c = record.counts
        self.metrics.record_run(
            seed.id,
            status=record.status,
            new_documents=c.new_documents,
            new_versions=c.new_versions,
            finished_at=record.finished_at,
            duration_s=duration_s,
            timed_out=stopped == "timeout",
        )
        level = logging.INFO if record.status == "ok" else logging.WARNING
        log.log(
            level,
            "run finished source=%s run=%d status=%s pages=%d new_documents=%d new_versions=%d "
            "gone=%d errors=%d duration=%.1fs message=%r",
            seed.id,
            record.run_id,
            record.status,
            c.pages,
            c.new_documents,
            c.new_versions,
            c.gone,
            c.errors,
            duration_s,
            record.message,
        )
        return RunOutcome(
            source_id=seed.id,
            run_id=record.run_id,
            status=record.status,
            counts=c,
            message=record.message,
            duration_s=duration_s,
            stopped=stopped,
        )


def _spawn(
    command: list[str], *, env: dict[str, str], stderr_path: Path
) -> subprocess.Popen[bytes]:
    """Start a crawl child in its own session, its stderr in a file."""
    with stderr_path.open("wb") as stderr:
        return subprocess.Popen(
            command,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,
        )


def _signal_name(number: int) -> str:
    """A signal's name, e.g. SIGKILL.

    >>> _signal_name(9)
    'SIGKILL'
    """
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _stderr_tail(path: Path) -> str:
    """The last few non-empty lines the child wrote to stderr, joined."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    kept = [line.strip() for line in lines if line.strip()][-STDERR_TAIL:]
    return " | ".join(kept)
