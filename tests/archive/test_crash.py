"""A crawl killed with SIGKILL in the middle loses nothing and half-writes nothing, on SQLite
and PostgreSQL: the database checks out whole right after the kill, and a re-crawl ends
with exactly the portal's catalogue, one version per page, each with its text."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from archive import Archive
from archive.integrity import check_archive
from archive.normalize import normalize_text
from archive.queries import find_document, get_version
from crawler.portal import Portal
from tests.conftest import run_gongkai

pytestmark = pytest.mark.slow


def _versions(engine: sa.Engine) -> int:
    """Versions written so far (0 while the crawler is still creating the schema)."""
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.text("SELECT count(*) FROM versions")).scalar_one())
    except sa.exc.DBAPIError:
        return 0


def _kill_mid_crawl(seeds: Path, db_url: str, total: int) -> int:
    """Start `gongkai crawl`, SIGKILL its process group once some pages are archived."""
    crawl = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "scheduler.cli.main",
            "crawl",
            "--seeds",
            str(seeds),
            "--db",
            db_url,
            "--quiet",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        start_new_session=True,  # its own process group: workers die with it
    )
    watcher = sa.create_engine(db_url)
    try:
        deadline = time.monotonic() + 120
        while _versions(watcher) < total // 4:
            if crawl.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the crawl ended (or stalled) before it could be killed mid-way")
            time.sleep(0.02)
        os.killpg(crawl.pid, signal.SIGKILL)
        crawl.wait(timeout=30)
        written = _versions(watcher)
    finally:
        if crawl.poll() is None:
            os.killpg(crawl.pid, signal.SIGKILL)
            crawl.wait(timeout=30)
        watcher.dispose()
    assert crawl.returncode == -signal.SIGKILL
    return written


def test_a_killed_crawl_leaves_a_whole_archive_and_a_recrawl_completes_it(
    portal: Portal, tmp_path: Path, db_url: str
) -> None:
    # a politeness delay makes the crawl last several seconds, so the kill lands mid-way
    seeds = portal.write_seeds(tmp_path / "seeds", delay=0.2)
    expected = {
        (site.key, portal.url(site.key, site.detail_path(page))): normalize_text(page.text)
        for site, page in portal.pages()
    }
    written = _kill_mid_crawl(seeds, db_url, len(expected))
    assert 0 < written < len(expected), "the kill should land while pages are being archived"

    with Archive.open(db_url) as archive, archive.session() as s:
        assert check_archive(s, deep=True) == []  # SQLite integrity_check runs here too

    result = run_gongkai("crawl", "--seeds", str(seeds), "--db", db_url, "--quiet")
    assert result.returncode == 0, result.stdout + result.stderr

    with Archive.open(db_url) as archive, archive.session() as s:
        assert check_archive(s, deep=True) == []
        documents = s.execute(sa.text("SELECT source_id, url FROM documents")).all()
        assert sorted(map(tuple, documents)) == sorted(expected)  # none lost, none doubled
        for (_source, url), text in expected.items():
            doc = find_document(s, url)
            version = get_version(s, doc)
            assert doc.version_count == 1, url  # the re-crawl found the same text: no version
            assert version is not None and version.text == text, url
        versions = s.execute(sa.text("SELECT count(*) FROM versions")).scalar_one()
        assert versions == len(expected)
