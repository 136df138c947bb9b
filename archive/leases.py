"""One crawl of a source at a time: a running run row is the crawl's claim on its source.

A crawl claims its source by opening its run row with a holder ("host:pid") and renews the
claim with heartbeats. The claim holds while the heartbeat is fresh and, for a holder on this
host, while its process exists. A holder that died without closing its row (SIGKILL, power
loss) loses the claim: at once when it ran on this host, after LEASE otherwise, and the next
claim closes its row as failed. Rows opened without a holder (by the scheduler, recording a
run that never started, or by an older gongkai) claim nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from dataclasses import dataclass

from archive.errors import ArchiveError

# A crawl renews its claim this often; a claim not renewed for LEASE has lapsed. The gap
# leaves room for a reactor stalled by a slow database write or a long extraction.
HEARTBEAT = dt.timedelta(seconds=30)
LEASE = dt.timedelta(minutes=2)
SHANGHAI = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")


@dataclass(frozen=True, kw_only=True)
class LiveRun:
    """A running crawl's claim on its source."""

    run_id: int
    source_id: str
    holder: str
    started_at: dt.datetime
    heartbeat_at: dt.datetime | None

    def describe(self, now: dt.datetime) -> str:
        """'run 12 (pid 345 on host), started …, last heartbeat 10 s ago'."""
        host, _, pid = self.holder.rpartition(":")
        text = f"run {self.run_id} (pid {pid} on {host}), started {_shown(self.started_at)}"
        if self.heartbeat_at is not None:
            text += (
                f", last heartbeat {max(0, int((now - self.heartbeat_at).total_seconds()))} s ago"
            )
        return text

    def lapsed(self, now: dt.datetime, lease: dt.timedelta = LEASE) -> str | None:
        """Why the claim no longer holds, or None while it does."""
        if _process_gone(self.holder):
            return f"its process ({self.holder}) is gone"
        last = self.heartbeat_at or self.started_at
        if now - last > lease:
            return f"no heartbeat from {self.holder} since {_shown(last)}"
        return None


class SourceBusy(ArchiveError):
    """Another crawl of the source holds it; carries that crawl's claim."""

    def __init__(self, run: LiveRun, now: dt.datetime) -> None:
        self.run = run
        super().__init__(
            f"not crawled: another crawl of {run.source_id} is running: {run.describe(now)}"
        )


def _shown(at: dt.datetime) -> str:
    """A time as the CLI shows times: Asia/Shanghai, with its offset."""
    return f"{at.astimezone(SHANGHAI):%Y-%m-%d %H:%M:%S}+08:00"


def this_holder() -> str:
    """This process as a claim's holder: 'host:pid'."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _process_gone(holder: str) -> bool:
    """Whether the holder ran on this host and its process no longer exists."""
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # it exists, under another user
        return False
    return False
