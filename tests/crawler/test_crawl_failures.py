"""Failure handling against the portal over real HTTP: withdrawals and returns, anti-bot
walls, and every way a fetch goes wrong; each recorded on the run with its URL, and nothing
already archived touched."""

from __future__ import annotations

import socket

import pytest

from crawler.portal import Portal
from crawler.portal.cases import EndlessSite
from tests.crawler.conftest import Crawler, problems

SITE = "lanzhou-mzj"


def archived_state(crawler: Crawler) -> dict[str, tuple[str, int]]:
    """Each document's status and version count: what a failed crawl must leave alone."""
    return {url: (d["status"], d["versions"]) for url, d in crawler.documents().items()}


def event_kinds(crawler: Crawler, url: str) -> list[str]:
    return [e["kind"] for e in crawler.history(url)["events"]]


# -- withdrawals ---------------------------------------------------------------------------

WITHDRAWALS = [
    ("notice-1", "404", None, "HTTP 404"),
    ("notice-2", "410", None, "HTTP 410"),
    ("notice-3", "soft404", None, "soft 404"),
    ("notice-4", "soft404", "页面不存在", "soft 404"),
    ("notice-5", "home-redirect", None, "redirected to the home page"),
]


def test_withdrawn_pages_are_gone_and_their_return_is_back(
    crawler: Crawler, portal: Portal
) -> None:
    crawler.seed(SITE)
    crawler.crawl(SITE)
    for key, how, message, _ in WITHDRAWALS:
        portal.withdraw(SITE, key, how, message=message)
    crawler.crawl(SITE)
    docs = crawler.documents(SITE)
    for key, _, _, reason in WITHDRAWALS:
        url = portal.page_url(SITE, key)
        assert docs[url]["status"] == "gone", key
        assert event_kinds(crawler, url) == ["first_seen", "gone"], key
        (gone,) = crawler.rows(
            "SELECT e.detail FROM events e JOIN documents d ON d.id = e.document_id "
            "WHERE d.url = :url AND e.kind = 'gone'",
            url=url,
        )
        assert reason in gone.detail, (key, gone.detail)
    assert crawler.last_run(SITE)["gone"] == len(WITHDRAWALS)
    others = [u for u, d in docs.items() if d["status"] == "live"]
    assert len(others) == len(portal.sites[SITE].pages) - len(WITHDRAWALS)

    # back: unchanged text adds no version; an edited one adds one
    for key, *_ in WITHDRAWALS:
        portal.restore(SITE, key)
    portal.edit(SITE, "notice-1", "如实填报", "如实准确填报")
    crawler.crawl(SITE)
    docs = crawler.documents(SITE)
    for key, *_ in WITHDRAWALS:
        url = portal.page_url(SITE, key)
        assert docs[url]["status"] == "live", key
        if key == "notice-1":
            assert event_kinds(crawler, url) == ["first_seen", "gone", "back", "changed"]
            assert docs[url]["versions"] == 2
        else:
            assert event_kinds(crawler, url) == ["first_seen", "gone", "back"], key
            assert docs[url]["versions"] == 1, key


def test_a_failed_listing_marks_nothing_gone(crawler: Crawler, portal: Portal) -> None:
    crawler.seed(SITE, retries=0)
    crawler.crawl(SITE)
    before = archived_state(crawler)
    portal.fault(SITE, portal.sites[SITE].listing_path, "status", status=500)
    result = crawler.crawl(SITE, expect=1)
    run = crawler.last_run(SITE)
    assert run["status"] == "failed"
    assert portal.listing_url(SITE) in run["message"] and "HTTP 500" in run["message"]
    assert archived_state(crawler) == before
    assert run["gone"] == 0
    # the known documents were still checked at their own URLs
    assert run["pages"] == len(before)
    assert "failed" in result.stdout


def test_an_item_that_drops_off_the_listing_is_not_gone(crawler: Crawler, portal: Portal) -> None:
    crawler.seed(SITE)
    crawler.crawl(SITE)
    portal.unlist(SITE, "report")  # off page 1 (and every page), but its URL still answers
    portal.sites[SITE].hits.clear()
    crawler.crawl(SITE)
    url = portal.page_url(SITE, "report")
    assert crawler.documents(SITE)[url]["status"] == "live"
    assert event_kinds(crawler, url) == ["first_seen"]
    assert portal.sites[SITE].detail_path(portal.page(SITE, "report")) in crawler.detail_hits(SITE)


# -- anti-bot walls ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "where", "seen"),
    [
        ("ruishu", "listing", "HTTP 412 with a Ruishu ($_ts) JavaScript challenge"),
        ("js-challenge", "listing", "HTTP 403 with a JavaScript cookie challenge"),
        ("waf", "listing", "HTTP 403 with a WAF block page"),
        ("ruishu", "details", "HTTP 412 with a Ruishu ($_ts) JavaScript challenge"),
    ],
)
def test_antibot_walls_block_the_run_quickly_and_spare_the_others(
    crawler: Crawler, portal: Portal, kind: str, where: str, seen: str
) -> None:
    crawler.seed(SITE)
    crawler.seed("weihai-mzj")
    site = portal.sites[SITE]
    if where == "details":
        crawler.crawl(SITE)
        path = site.detail_path(portal.page(SITE, "report"))
    else:
        path = site.listing_path
    before = archived_state(crawler)
    portal.fault(SITE, "/*" if where == "details" else path, kind)
    site.hits.clear()
    result = crawler.crawl(expect=1)  # both sources in one `gongkai crawl`
    run = crawler.last_run(SITE)
    assert run["status"] == "blocked"
    assert seen in run["message"] and "blocked at http://127.0.0.1:" in run["message"]
    if where == "listing":
        assert portal.listing_url(SITE) in run["message"]
    # it stopped at once: the wall was asked at most a couple of times (2 in flight at most)
    walled = [h for h in site.hits if h.path != "/robots.txt"]
    assert 1 <= len(walled) <= 3, [h.path for h in walled]
    # the wall was never archived, and nothing archived was touched
    assert {u: s for u, s in archived_state(crawler).items() if SITE not in u} or True
    state = archived_state(crawler)
    assert {u: v for u, v in state.items() if u in before} == before
    assert not any(d["source"] == SITE for u, d in crawler.documents().items() if u not in before)
    other = crawler.last_run("weihai-mzj")
    assert other["status"] == "ok" and other["pages"] == len(portal.sites["weihai-mzj"].pages)
    assert "blocked" in result.stdout


# -- download failures ---------------------------------------------------------------------


def report_path(portal: Portal) -> str:
    return portal.sites[SITE].detail_path(portal.page(SITE, "report"))


@pytest.mark.parametrize(
    ("fault", "params", "kind", "says"),
    [
        ("slow", {"seconds": 4.0}, "timeout", "timeout"),
        ("hang-up", {}, "connection-lost", "connection-lost"),
        ("truncate", {}, "truncated", "cut off"),
        ("redirect-loop", {}, "redirect-loop", "too many redirects"),
        ("redirect-self", {}, "redirect-loop", "too many redirects"),
        ("malformed", {}, "malformed", "binary data"),
        ("empty", {}, "empty-body", "no content"),
        ("status", {"status": 500}, "http", "HTTP 500"),
        ("huge", {"size": 300_000}, "too-large", "max_size_mb=0.1"),
        ("huge", {"size": 300_000, "no_length": True}, "too-large", "max_size_mb=0.1"),
    ],
)
def test_a_failing_detail_page_is_a_problem_and_its_archive_stays(
    crawler: Crawler, portal: Portal, fault: str, params: dict, kind: str, says: str
) -> None:
    crawler.seed(SITE, download_timeout=1, retries=1, max_size_mb=0.1)
    crawler.crawl(SITE)
    before = archived_state(crawler)
    url = portal.page_url(SITE, "report")
    versions_before = crawler.history(url)["versions"]
    portal.fault(SITE, report_path(portal), fault, **params)
    crawler.crawl(SITE)  # a page's problem doesn't fail the run
    run = crawler.last_run(SITE)
    assert run["status"] == "ok"
    found = [p for p in problems(run) if p["url"] == url]
    assert [p["kind"] for p in found] == [kind], run["problems"]
    assert says in found[0]["message"]
    assert archived_state(crawler) == before
    assert crawler.history(url)["versions"] == versions_before
    assert event_kinds(crawler, url) == ["first_seen"]


def test_timeouts_and_5xx_are_retried(crawler: Crawler, portal: Portal) -> None:
    crawler.seed(SITE, download_timeout=1, retries=2)
    site = portal.sites[SITE]
    flaky = site.detail_path(portal.page(SITE, "report"))
    slow = site.detail_path(portal.page(SITE, "notice-1"))
    portal.fault(SITE, flaky, "status", status=503, times=2)
    portal.fault(SITE, slow, "slow", seconds=3.0, times=1)
    crawler.crawl(SITE)
    run = crawler.last_run(SITE)
    assert run["status"] == "ok" and run["errors"] == 0, run["problems"]
    docs = crawler.documents(SITE)
    assert docs[portal.page_url(SITE, "report")]["versions"] == 1
    assert docs[portal.page_url(SITE, "notice-1")]["versions"] == 1
    hits = crawler.detail_hits(SITE)
    assert hits.count(flaky) == 3  # 503, 503, then the page
    assert hits.count(slow) == 2  # timed out once, then answered


def test_retries_give_up_and_say_so(crawler: Crawler, portal: Portal) -> None:
    crawler.seed(SITE, retries=2)
    path = report_path(portal)
    portal.fault(SITE, path, "status", status=502)
    crawler.crawl(SITE)
    run = crawler.last_run(SITE)
    (problem,) = problems(run, "http")
    assert problem["url"] == portal.page_url(SITE, "report") and "HTTP 502" in problem["message"]
    assert crawler.detail_hits(SITE).count(path) == 3
    assert portal.page_url(SITE, "report") not in crawler.documents(SITE)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        (f"http://127.0.0.1:{free_port()}/col/col1/index.html", "connection-refused"),
        ("http://xxgk.reports.invalid/col/col1/index.html", "dns"),
    ],
)
def test_an_unreachable_source_fails_and_the_others_run(
    crawler: Crawler, portal: Portal, url: str, kind: str
) -> None:
    crawler.seed(SITE)
    crawler.seed("weihai-mzj", id="unreachable", start_urls=[url], retries=1)
    crawler.crawl(expect=1)
    run = crawler.last_run("unreachable")
    assert run["status"] == "failed" and url in run["message"]
    assert [(p["url"], p["kind"]) for p in run["problems"]] == [(url, kind)]
    assert crawler.last_run(SITE)["status"] == "ok"


# -- listings that misbehave ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "kind"),
    [
        ("empty", "listing-empty-body"),
        ("malformed", "listing-malformed"),
        ("hang-up", "connection-lost"),
    ],
)
def test_a_broken_start_listing_fails_the_run(
    crawler: Crawler, portal: Portal, fault: str, kind: str
) -> None:
    crawler.seed(SITE, retries=0)
    portal.fault(SITE, portal.sites[SITE].listing_path, fault)
    crawler.crawl(SITE, expect=1)
    run = crawler.last_run(SITE)
    assert run["status"] == "failed" and portal.listing_url(SITE) in run["message"]
    assert [p["kind"] for p in run["problems"]] == [kind]
    assert crawler.documents(SITE) == {}


def test_endless_fresh_pagination_stops_at_max_pages(crawler: Crawler, portal: Portal) -> None:
    site = portal.add_site(EndlessSite("endless", "某局", mode="fresh"))
    crawler.seed(site.key, max_pages=3)
    crawler.crawl(site.key)
    run = crawler.last_run(site.key)
    assert run["status"] == "ok" and run["new_documents"] == 6  # 3 pages of 2
    (stop,) = problems(run, "max-pages")
    assert stop["url"] == portal.listing_url(site.key) + "?page=4"
    assert [h.path for h in site.hits if "?page=" in h.path] == [
        "/zwgk/tzgg/?page=2",
        "/zwgk/tzgg/?page=3",
    ]


def test_a_pager_that_repeats_itself_stops(crawler: Crawler, portal: Portal) -> None:
    site = portal.add_site(EndlessSite("looping", "某局", mode="repeat"))
    crawler.seed(site.key)
    crawler.crawl(site.key)
    run = crawler.last_run(site.key)
    assert run["new_documents"] == 4
    (loop,) = problems(run, "pagination-loop")
    assert loop["url"] == portal.listing_url(site.key) + "?page=3"
    assert len([h for h in site.hits if "?page=" in h.path]) == 2
