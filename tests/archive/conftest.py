"""Archive fixtures: an opened archive on each backend, with two sources."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from archive import Archive, SourceInfo


@pytest.fixture
def archive(db_url: str) -> Iterator[Archive]:
    """An empty archive on SQLite and on PostgreSQL, with sources `s` and `t`."""
    opened = Archive.open(db_url)
    opened.sync_sources(
        [
            SourceInfo(id="s", name="兰州市民政局", cms="hanweb"),
            SourceInfo(id="t", name="甘肃省民政厅"),
        ]
    )
    yield opened
    opened.close()
