"""The foundation's promise, end to end over real HTTP: crawl the local portal, query by
date, edit a report and see a second version and its diff, re-crawl unchanged and see none."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from crawler.portal import Portal
from tests.conftest import run_gongkai


def gongkai_json(*args: str) -> object:
    result = run_gongkai(*args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def crawl(seeds: Path, db: str, *ids: str) -> None:
    result = run_gongkai("crawl", *ids, "--seeds", str(seeds), "--db", db, "--quiet")
    assert result.returncode == 0, result.stdout + result.stderr


def test_crawl_archives_every_portal_page_with_its_text(
    portal: Portal, seeds_dir: Path, sqlite_url: str
) -> None:
    crawl(seeds_dir, sqlite_url)
    docs = gongkai_json("query", "--db", sqlite_url)
    by_url = {d["url"]: d for d in docs}
    expected = {
        portal.url(site.key, site.detail_path(page)): (site, page) for site, page in portal.pages()
    }
    assert set(by_url) == set(expected)
    for url, (site, page) in expected.items():
        doc = by_url[url]
        assert doc["source"] == site.key
        assert doc["title"] == page.title
        assert doc["published"] == page.published.isoformat()
        assert doc["versions"] == 1 and doc["status"] == "live"
    # the archived text is the report as a reader sees it: its own lines, no page chrome
    report = by_url[portal.page_url("lanzhou-mzj", "report")]
    shown = gongkai_json("show", str(report["id"]), "--db", sqlite_url)
    lines = shown["text"].split("\n")
    assert lines[0].startswith("兰民字〔2024〕8号") and "签发人" in lines[0]
    assert lines[-2:] == ["兰州市民政局", "2024年2月2日"]
    assert len(lines) == len(portal.page("lanzhou-mzj", "report").paragraphs)
    for chrome in ("Produced By", "关闭窗口", "打印本页", "分享到", "用户登录", "浏览次数"):
        assert chrome not in shown["text"]
    assert shown["doc_number"] == "兰民字〔2024〕8号"


def test_published_range_returns_exactly_that_years_reports(
    portal: Portal, seeds_dir: Path, sqlite_url: str
) -> None:
    crawl(seeds_dir, sqlite_url)
    docs = gongkai_json(
        "query",
        "--published-from",
        "2024-01-01",
        "--published-to",
        "2024-12-31",
        "--db",
        sqlite_url,
    )
    expected = {
        portal.url(s.key, s.detail_path(p)) for s, p in portal.pages() if p.published.year == 2024
    }
    assert expected and {d["url"] for d in docs} == expected
    # bounds are inclusive, to the day
    day = gongkai_json(
        "query",
        "--published-from",
        "2024-02-02",
        "--published-to",
        "2024-02-02",
        "--db",
        sqlite_url,
    )
    assert [d["title"] for d in day] == ["兰州市民政局关于2023年法治政府建设情况的报告"]


def test_an_edit_makes_a_second_version_and_an_unchanged_recrawl_none(
    portal: Portal, seeds_dir: Path, sqlite_url: str
) -> None:
    crawl(seeds_dir, sqlite_url, "lanzhou-mzj")
    url = portal.page_url("lanzhou-mzj", "report")
    portal.edit("lanzhou-mzj", "report", "等法律法规46次", "等法律法规48次")
    crawl(seeds_dir, sqlite_url, "lanzhou-mzj")
    history = gongkai_json("history", url, "--db", sqlite_url)
    assert [v["n"] for v in history["versions"]] == [1, 2]
    assert [e["kind"] for e in history["events"]] == ["first_seen", "changed"]
    diff = gongkai_json("diff", url, "--db", sqlite_url)
    assert diff["from"]["n"] == 1 and diff["to"]["n"] == 2
    assert [(c["op"], c["old"], c["new"]) for c in diff["changes"]] == [("replace", "46次", "48次")]
    # crawling again with nothing changed writes no version anywhere
    before = {d["url"]: d["versions"] for d in gongkai_json("query", "--db", sqlite_url)}
    crawl(seeds_dir, sqlite_url, "lanzhou-mzj")
    after = {d["url"]: d["versions"] for d in gongkai_json("query", "--db", sqlite_url)}
    assert after == before and after[url] == 2
    runs = gongkai_json("runs", "--db", sqlite_url)
    assert [r["status"] for r in runs] == ["ok", "ok", "ok"]
    assert (runs[1]["new_versions"], runs[2]["new_versions"]) == (1, 0)
    assert runs[2]["new_documents"] == 0 and runs[2]["pages"] == runs[0]["pages"]


def test_show_as_of_gives_the_text_current_then(
    portal: Portal, seeds_dir: Path, sqlite_url: str
) -> None:
    crawl(seeds_dir, sqlite_url, "weihai-mzj")
    between = dt.datetime.now(dt.UTC).isoformat()
    url = portal.page_url("weihai-mzj", "report")
    portal.edit("weihai-mzj", "report", "疫情期间共临时救助185人", "疫情期间共临时救助186人")
    crawl(seeds_dir, sqlite_url, "weihai-mzj")
    old = gongkai_json("show", url, "--as-of", between, "--db", sqlite_url)
    new = gongkai_json("show", url, "--db", sqlite_url)
    assert old["version"]["n"] == 1 and "临时救助185人" in old["text"]
    assert new["version"]["n"] == 2 and "临时救助186人" in new["text"]


def test_a_withdrawn_page_is_gone_and_its_return_is_back(
    portal: Portal, seeds_dir: Path, sqlite_url: str
) -> None:
    crawl(seeds_dir, sqlite_url, "luohu-mzj")
    url = portal.page_url("luohu-mzj", "notice-2")
    portal.withdraw("luohu-mzj", "notice-2", "404")
    crawl(seeds_dir, sqlite_url, "luohu-mzj")
    assert gongkai_json("show", url, "--db", sqlite_url)["status"] == "gone"
    gone = gongkai_json("query", "--status", "gone", "--db", sqlite_url)
    assert [d["url"] for d in gone] == [url]
    portal.restore("luohu-mzj", "notice-2")
    crawl(seeds_dir, sqlite_url, "luohu-mzj")
    history = gongkai_json("history", url, "--db", sqlite_url)
    assert [e["kind"] for e in history["events"]] == ["first_seen", "gone", "back"]
    assert len(history["versions"]) == 1
