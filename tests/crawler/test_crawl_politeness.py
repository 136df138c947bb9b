"""Politeness and efficiency over real HTTP: robots.txt, the User-Agent, concurrency and
delay per site, and conditional GET (304, or the same raw bytes, is a sighting: no
extraction, no version)."""

from __future__ import annotations

import datetime as dt

from crawler.portal import Portal, PortalPage
from tests.crawler.conftest import Crawler, problems

SITE = "luohu-mzj"


def test_robots_txt_is_obeyed(crawler: Crawler, portal: Portal) -> None:
    private = PortalPage(
        key="private",
        title="深圳市罗湖区民政局内部工作通知",
        published=dt.date(2025, 2, 1),
        paragraphs=["本通知仅供内部使用。"],
        article_id=11926999,
        path="/private/zwgk/content/post_11926999.html",  # robots.txt: Disallow: /private/
    )
    portal.add(SITE, private)
    crawler.seed(SITE)
    crawler.crawl(SITE)
    site = portal.sites[SITE]
    assert site.hits[0].path == "/robots.txt"
    assert not any(h.path.startswith("/private/") for h in site.hits)
    url = portal.page_url(SITE, "private")
    assert url not in crawler.documents(SITE)
    (robots,) = problems(crawler.last_run(SITE), "robots")
    assert robots["url"] == url and "robots.txt forbids" in robots["message"]
    # the rest of the site was crawled as usual
    assert len(crawler.documents(SITE)) == len(site.pages) - 1


def test_robots_false_in_the_seed_turns_it_off(crawler: Crawler, portal: Portal) -> None:
    crawler.seed(SITE, robots=False)
    crawler.crawl(SITE)
    assert not any(h.path == "/robots.txt" for h in portal.sites[SITE].hits)


def test_every_request_names_gongkai_and_its_homepage(crawler: Crawler, portal: Portal) -> None:
    crawler.seed(SITE)
    crawler.crawl(SITE)
    agents = {h.headers.get("user-agent") for h in portal.sites[SITE].hits}
    (agent,) = agents
    assert agent is not None and agent.startswith("gongkai/")
    assert "https://github.com/gongkai-archive/gongkai" in agent


def test_at_most_concurrency_requests_in_flight_per_site(crawler: Crawler, portal: Portal) -> None:
    site = portal.sites[SITE]
    crawler.seed(SITE)  # concurrency 2 by default
    portal.fault(SITE, "/zwgk/fzzfjsbg/content/*", "slow", seconds=0.3)
    crawler.crawl(SITE)
    assert site.max_in_flight == 2  # parallel, but never more than 2
    assert len(crawler.documents(SITE)) == len(site.pages)

    crawler.seed("weihai-mzj", concurrency=1)
    portal.fault("weihai-mzj", "/art/*", "slow", seconds=0.2)
    crawler.crawl("weihai-mzj")
    assert portal.sites["weihai-mzj"].max_in_flight == 1


def test_the_seed_delay_spaces_requests_one_at_a_time(crawler: Crawler, portal: Portal) -> None:
    # With a delay, Scrapy sends the next request only `delay` (±50%) after the last one,
    # so with quick answers there is never more than one in flight, despite concurrency 2.
    crawler.seed(SITE, delay=0.5)
    crawler.crawl(SITE)
    assert portal.sites[SITE].max_in_flight == 1
    assert len(crawler.documents(SITE)) == len(portal.sites[SITE].pages)


def test_unchanged_pages_answer_304_and_are_only_sighted(crawler: Crawler, portal: Portal) -> None:
    crawler.seed(SITE)
    crawler.crawl(SITE)
    first = crawler.documents(SITE)
    site = portal.sites[SITE]
    site.hits.clear()
    crawler.crawl(SITE)
    details = [h for h in site.hits if "/content/" in h.path]
    assert len(details) == len(site.pages)
    assert all(h.headers.get("if-none-match", "").startswith('"') for h in details)
    assert all("if-modified-since" in h.headers for h in details)
    assert {h.status for h in details} == {304}
    run = crawler.last_run(SITE)
    assert run["pages"] == len(site.pages) and run["new_versions"] == 0
    assert f"{len(site.pages)} unchanged ({len(site.pages)} not modified)" in run["message"]
    assert "0 extracted" in run["message"]
    second = crawler.documents(SITE)
    for url, doc in second.items():
        assert doc["versions"] == 1 and doc["last_changed"] == first[url]["last_changed"]
        assert doc["last_seen"] > first[url]["last_seen"]


def test_same_raw_bytes_without_validators_skip_extraction(
    crawler: Crawler, portal: Portal
) -> None:
    site = portal.sites[SITE]
    site.send_validators = False  # no ETag, no Last-Modified: every fetch is a full 200
    crawler.seed(SITE)
    crawler.crawl(SITE)
    versions = crawler.rows("SELECT count(*) AS n FROM versions")[0].n
    crawler.crawl(SITE)
    run = crawler.last_run(SITE)
    n = len(site.pages)
    assert f"{n} unchanged ({n} same bytes)" in run["message"] and "0 extracted" in run["message"]
    assert crawler.rows("SELECT count(*) AS n FROM versions")[0].n == versions
    # an edit changes the bytes: that page alone is extracted and gets a version
    portal.edit(
        SITE,
        "report",
        "法治政府建设",
        "法治政府建设工作",
    )
    crawler.crawl(SITE)
    run = crawler.last_run(SITE)
    assert "1 extracted" in run["message"] and run["new_versions"] == 1
