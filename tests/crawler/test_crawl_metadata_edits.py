"""A report quietly backdated on the portal (its 发布日期 changed, its text not) is recorded as a
metadata edit: no new version, the new date queryable, the old one still shown as of before."""

from __future__ import annotations

import datetime as dt

from crawler.portal import Portal
from tests.conftest import run_gongkai
from tests.crawler.conftest import Crawler


def test_a_backdated_report_is_on_record(crawler: Crawler, portal: Portal) -> None:
    # this site's URLs carry no date (post_N.html), so a new date does not move the page
    crawler.seed("luohu-mzj")
    crawler.crawl("luohu-mzj")
    report = portal.page("luohu-mzj", "report")
    url, old = portal.page_url("luohu-mzj", "report"), report.published.isoformat()
    before = dt.datetime.now(dt.UTC).isoformat()
    with portal.lock:
        report.published = dt.date(2024, 1, 15)
    crawler.crawl("luohu-mzj")

    history = crawler.json("history", url)
    assert len(history["versions"]) == 1
    (edit,) = history["metadata_edits"]
    assert edit["changes"] == {"published": {"old": old, "new": "2024-01-15"}}
    # what the page says now is what queries find ...
    found = crawler.json("query", "--published-from", "2024-01-15", "--published-to", "2024-01-15")
    assert [d["url"] for d in found] == [url]
    # ... and what it said before the edit is still there, as of then
    then = crawler.json("show", url, "--as-of", before)
    assert then["published"] == old and then["version"]["n"] == 1
    text = run_gongkai("history", url, "--db", crawler.db)
    assert f"metadata edited, text unchanged (v1): published {old} → 2024-01-15" in text.stdout
    assert f"{report.title} [live]" in text.stdout  # site text is printed as is, not as markup
    runs = crawler.runs("luohu-mzj")
    assert "1 metadata edited (text unchanged)" in runs[-1]["message"]
