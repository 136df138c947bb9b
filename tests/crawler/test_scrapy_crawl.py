"""`scrapy crawl reports -a source=ID` from the repository root: the same spider, pipeline and
archive as `gongkai crawl`, configured by GONGKAI_DB and GONGKAI_SEEDS."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
from pathlib import Path

from crawler.portal import Portal
from tests.conftest import ROOT
from tests.crawler.conftest import Crawler


def scrapy_crawl(crawler: Crawler, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GONGKAI_DB": crawler.db, "GONGKAI_SEEDS": str(crawler.folder)}
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "reports", *args],
        cwd=ROOT,  # scrapy.cfg is found here
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_scrapy_crawl_archives_into_the_same_archive(crawler: Crawler, portal: Portal) -> None:
    crawler.seed("gx-mzt")
    # GONGKAI_INLINE_FIRST=0: extraction in worker processes from the first page
    result = scrapy_crawl(crawler, "-a", "source=gx-mzt", "-s", "GONGKAI_INLINE_FIRST=0")
    assert result.returncode == 0, result.stderr
    run = crawler.last_run("gx-mzt")
    assert run["status"] == "ok" and run["new_documents"] == len(portal.sites["gx-mzt"].pages)
    docs = crawler.documents("gx-mzt")
    report = docs[portal.page_url("gx-mzt", "report")]
    assert report["doc_number"] == "桂民发〔2022〕7号"
    texts = crawler.rows("SELECT text FROM attachments WHERE text IS NOT NULL")
    assert len(texts) == 2  # the pipeline downloaded and read both files
    # gongkai crawl then finds the same archive up to date
    crawler.crawl("gx-mzt")
    again = crawler.last_run("gx-mzt")
    assert again["new_documents"] == 0 and again["new_versions"] == 0
    assert f"{len(docs)} unchanged" in again["message"]


def test_scrapy_crawl_needs_a_known_source(crawler: Crawler, tmp_path: Path) -> None:
    crawler.seed("gx-mzt")
    result = scrapy_crawl(crawler, "-a", "source=no-such-source")
    assert "no source with id 'no-such-source'" in result.stderr
    assert crawler.rows(
        "SELECT count(*) AS n FROM sqlite_master WHERE name = 'crawl_runs'"
    ) == [] or (crawler.runs() == [])


def test_a_crawl_renews_its_claim_while_it_runs(crawler: Crawler) -> None:
    """The heartbeat is what keeps a long crawl's claim from lapsing (archive.leases)."""
    crawler.seed("gx-mzt", delay=0.3)
    result = scrapy_crawl(crawler, "-a", "source=gx-mzt", "-s", "GONGKAI_HEARTBEAT=0.2")
    assert result.returncode == 0, result.stderr
    (row,) = crawler.rows("SELECT started_at, heartbeat_at, holder FROM crawl_runs")
    started, beat = (dt.datetime.fromisoformat(str(v)) for v in (row.started_at, row.heartbeat_at))
    assert beat - started > dt.timedelta(seconds=1)  # renewed during a crawl of several seconds
    host, _, pid = row.holder.rpartition(":")
    assert host == socket.gethostname() and pid.isdigit()  # the crawl process held it
