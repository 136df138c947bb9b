"""Log lines fit for the systemd journal when the service runs under systemd.

journald stores every stderr line at priority "info" unless the line starts with a syslog
prefix such as `<4>`; with the prefix, `journalctl -p warning` shows failed runs, timeouts
and seed problems only. journald timestamps lines itself, so the time is left out there.
"""

from __future__ import annotations

import logging
import os
import sys

# syslog priorities (sd-daemon(3)) for Python's levels.
_PRIORITY = {
    logging.CRITICAL: 2,
    logging.ERROR: 3,
    logging.WARNING: 4,
    logging.INFO: 6,
    logging.DEBUG: 7,
}


def syslog_priority(levelno: int) -> int:
    """The syslog priority for a logging level.

    >>> syslog_priority(logging.WARNING), syslog_priority(logging.INFO), syslog_priority(5)
    (4, 6, 7)
    """
    for level in sorted(_PRIORITY, reverse=True):
        if levelno >= level:
            return _PRIORITY[level]
    return 7


class JournalFormatter(logging.Formatter):
    """`<priority>logger: message`, one line per event."""

    def __init__(self) -> None:
        super().__init__("%(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record).replace("\n", " | ")
        return f"<{syslog_priority(record.levelno)}>{text}"


def stderr_is_journal() -> bool:
    """Whether stderr is the journal stream systemd gave this process ($JOURNAL_STREAM)."""
    device, _, inode = os.environ.get("JOURNAL_STREAM", "").partition(":")
    if not (device.isdigit() and inode.isdigit()):
        return False
    try:
        st = os.fstat(sys.stderr.fileno())
    except (OSError, ValueError):
        return False
    return (st.st_dev, st.st_ino) == (int(device), int(inode))


def use_journal_format() -> None:
    """Switch the root handlers writing to stderr to the journal format, under systemd."""
    if not stderr_is_journal():
        return
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler) and handler.stream is sys.stderr:
            handler.setFormatter(JournalFormatter())
