"""Under systemd, each log line starts with its syslog priority; elsewhere nothing changes."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import pytest

from scheduler.journald import JournalFormatter, stderr_is_journal, use_journal_format


def _record(level: int, message: str) -> logging.LogRecord:
    return logging.LogRecord("gongkai.schedule", level, __file__, 1, message, None, None)


def test_lines_carry_the_syslog_priority_and_stay_one_line() -> None:
    formatter = JournalFormatter()
    assert formatter.format(_record(logging.WARNING, "run finished source=a status=failed")) == (
        "<4>gongkai.schedule: run finished source=a status=failed"
    )
    assert (
        formatter.format(_record(logging.INFO, "two\nlines")) == "<6>gongkai.schedule: two | lines"
    )


def test_the_journal_is_recognised_by_journal_stream(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with (tmp_path / "journal").open("w") as stream:
        monkeypatch.setattr(sys, "stderr", stream)
        st = os.fstat(stream.fileno())
        monkeypatch.delenv("JOURNAL_STREAM", raising=False)
        assert not stderr_is_journal()
        monkeypatch.setenv("JOURNAL_STREAM", f"{st.st_dev}:{st.st_ino + 1}")
        assert not stderr_is_journal()  # a journal stream, but not this stderr
        monkeypatch.setenv("JOURNAL_STREAM", f"{st.st_dev}:{st.st_ino}")
        assert stderr_is_journal()

        handler = logging.StreamHandler(sys.stderr)
        root = logging.getLogger()
        root.addHandler(handler)
        try:
            use_journal_format()
            assert isinstance(handler.formatter, JournalFormatter)
        finally:
            root.removeHandler(handler)
