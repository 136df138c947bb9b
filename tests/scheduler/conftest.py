"""Running the real `gongkai schedule` in a subprocess, reading its log lines as they come.

Schedules in these tests are six-field cron expressions that fire within seconds, often at
chosen seconds of the minute (`at_seconds`), so that a test knows which slots exist and
that no other slot fires before it ends.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from archive import Archive
from archive.queries import find_runs
from crawler.portal import Portal

PORTAL_SITES = ("lanzhou-mzj", "weihai-mzj", "jinzhong-mzj", "luohu-mzj", "gx-mzt")
WAIT_S = 90.0


class ServiceProcess:
    """A `gongkai schedule` child process and its stderr, line by line."""

    def __init__(self, args: list[str], *, cwd: Path) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.pop("GONGKAI_DB", None)
        env.pop("GONGKAI_SEEDS", None)
        self.args = args
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "scheduler.cli.main", *args],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        with self.proc.stderr:
            for line in self.proc.stderr:
                with self._changed:
                    self.lines.append(line.rstrip("\n"))
                    self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    @property
    def log(self) -> str:
        with self._changed:
            return "\n".join(self.lines)

    def matches(self, pattern: str) -> list[re.Match[str]]:
        """Every log line matching a pattern, in order."""
        regex = re.compile(pattern)
        with self._changed:
            return [m for line in self.lines if (m := regex.search(line))]

    def wait_for(self, pattern: str, *, count: int = 1, timeout: float = WAIT_S) -> re.Match[str]:
        """Wait until `count` log lines match; returns the last match."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [m for line in self.lines if (m := regex.search(line))]
                if len(found) >= count:
                    return found[count - 1]
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and not self._reader.is_alive()):
                    raise AssertionError(
                        f"no {count} log line(s) matching {pattern!r}; log so far:\n"
                        + "\n".join(self.lines)
                    )
                self._changed.wait(min(left, 0.5))

    def send(self, sig: signal.Signals) -> None:
        self.proc.send_signal(sig)

    def wait(self, timeout: float = WAIT_S) -> int:
        code = self.proc.wait(timeout=timeout)
        self._reader.join(timeout=5)
        return code

    def stop(self, timeout: float = WAIT_S) -> int:
        """SIGTERM and wait for the exit status."""
        self.send(signal.SIGTERM)
        return self.wait(timeout)

    def child_pids(self) -> list[int]:
        return [int(m.group(1)) for m in self.matches(r"run started .* pid=(\d+)")]


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Callable[..., ServiceProcess]]:
    """Start `gongkai schedule ARGS` services; whatever is left is stopped afterwards."""
    started: list[ServiceProcess] = []

    def start(*args: str) -> ServiceProcess:
        svc = ServiceProcess(["schedule", *args], cwd=tmp_path)
        started.append(svc)
        return svc

    yield start
    for svc in started:
        if svc.proc.poll() is None:
            svc.send(signal.SIGTERM)
            try:
                svc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                svc.proc.kill()
                svc.wait(timeout=10)
        # A service killed with -9 leaves its crawl children running in their own groups.
        for pid in svc.child_pids():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)


def write_seeds(
    folder: Path, portal: Portal, sites: tuple[str, ...] | list[str], **overrides: Any
) -> Path:
    """Seed files for some portal sites (overrides apply to all); returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for site in sites:
        write_seed(folder, portal, site, **overrides)
    return folder


def write_seed(folder: Path, portal: Portal, site: str, **overrides: Any) -> Path:
    path = folder / f"{site}.yaml"
    data = portal.seed(site, **overrides)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def at_seconds(*offsets: float) -> tuple[str, list[dt.datetime]]:
    """A six-field cron firing at the seconds of the minute that are `offsets` from now.

    It fires once a minute at each of them, so nothing else fires within ~50 s.
    """
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    times = [now + dt.timedelta(seconds=math.ceil(o)) for o in offsets]
    seconds = sorted({t.second for t in times})
    return f"{','.join(str(s) for s in seconds)} * * * * *", times


def runs_of(db_url: str, source: str | None = None) -> list[dict[str, Any]]:
    with Archive.open(db_url) as archive, archive.session() as s:
        return find_runs(s, source)


def wait_until(check: Callable[[], Any], *, timeout: float = WAIT_S, what: str = "") -> Any:
    """Poll until check() returns something truthy; return it."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or check}")
        time.sleep(0.3)


def sleep_until(when: dt.datetime) -> None:
    left = (when - dt.datetime.now(dt.UTC)).total_seconds()
    if left > 0:
        time.sleep(left)
