"""Errors raised by the scheduler.

SchedulerError
 ├── SchedulerLocked       another `gongkai schedule` holds this archive's scheduler lock
 ├── LockLost              the lock went away while this scheduler was running
 └── UnsupportedArchive    the archive URL can't host a scheduler (e.g. in-memory SQLite)
"""

from __future__ import annotations


class SchedulerError(Exception):
    """Base class of scheduler errors."""


class SchedulerLocked(SchedulerError):
    """Another scheduler runs on the same archive; carries who holds the lock."""

    def __init__(self, archive: str, holder: str | None) -> None:
        self.archive = archive
        self.holder = holder
        who = f" ({holder})" if holder else ""
        super().__init__(
            f"another gongkai schedule{who} is running on {archive}; only one scheduler may "
            "run per archive (stop it, or pass --wait to take over when it stops)"
        )


class LockLost(SchedulerError):
    """The scheduler lock can no longer be shown to be held."""


class UnsupportedArchive(SchedulerError):
    """The archive URL can't be shared by a scheduler and its crawl processes."""
