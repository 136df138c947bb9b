"""Each listing adapter and dialect, crawled over real HTTP from the portal into an archive:
every listed page is found, through every listing page, and nothing else."""

from __future__ import annotations

import pytest

from crawler.portal import Portal
from crawler.portal.catalogue import make_notices
from crawler.portal.generic_site import GuangxiSite, PostIdSite
from crawler.portal.hanweb_site import HanwebSite
from crawler.portal.site import PortalSite
from crawler.portal.trs_site import TrsSite
from tests.crawler.conftest import Crawler, problems


def notices(agency: str) -> list:
    """Sixteen notices, so that every site has four listing pages of four."""
    return make_notices(agency, seed=6, first_article_id=8000) + make_notices(
        agency, seed=7, first_article_id=8100
    )


def assert_all_archived(crawler: Crawler, site: PortalSite) -> None:
    docs = crawler.documents(site.key)
    expected = {crawler.portal.url(site.key, site.detail_path(p)) for p in site.pages}
    assert set(docs) == expected
    assert all(d["versions"] == 1 and d["title"] for d in docs.values())
    run = crawler.last_run(site.key)
    assert run["status"] == "ok", run
    assert run["new_documents"] == len(expected) and run["errors"] == 0, run


@pytest.mark.parametrize("dialect", ["classic", "ajax", "encrypted", "direct", "recordset"])
def test_hanweb_dialects(crawler: Crawler, portal: Portal, dialect: str) -> None:
    site = portal.add_site(
        HanwebSite(
            f"hw-{dialect}", "某市民政局", notices("某市民政局"), column=4242, unit=77, webid=5,
            dialect=dialect,
        )
    )  # fmt: skip
    crawler.seed(site.key, cms=None)  # detected from the page
    crawler.crawl(site.key)
    assert_all_archived(crawler, site)
    posts = [h for h in site.hits if h.method == "POST"]
    if dialect in ("direct", "recordset"):
        assert posts == []
    else:
        # the inline 4, then 4 records per dataproxy page: three more requests
        assert [h.path.split("?")[0] for h in posts] == ["/module/web/jpage/dataproxy.jsp"] * 3


def test_hanweb_stops_at_max_pages_and_says_so(crawler: Crawler, portal: Portal) -> None:
    site = portal.add_site(
        HanwebSite("hw", "某市民政局", notices("某市民政局"), column=4242, unit=77, webid=5)
    )
    crawler.seed(site.key, max_pages=2)
    crawler.crawl(site.key)
    assert len(crawler.documents(site.key)) == 8  # two listing pages of four
    run = crawler.last_run(site.key)
    (stop,) = problems(run, "max-pages")
    assert "max_pages=2" in stop["message"]
    assert stop["url"].endswith("/module/web/jpage/dataproxy.jsp?" + stop["url"].split("?")[1])


@pytest.mark.parametrize(
    ("call", "commented"), [("pages", False), ("records", False), ("six", False), ("six", True)]
)
def test_trs_call_forms(crawler: Crawler, portal: Portal, call: str, commented: bool) -> None:
    site = portal.add_site(
        TrsSite("trs", "某市民政局", notices("某市民政局"), column_path="/zwgk/tzgg/",
                call=call, commented=commented)
    )  # fmt: skip
    crawler.seed(site.key, cms=None)
    crawler.crawl(site.key)
    assert_all_archived(crawler, site)
    listing_paths = [h.path for h in site.hits if "/index" in h.path]
    # 0-based forms: page 2 is index_1.html; the 1-based six-argument form: index_2.html
    first = 2 if call == "six" else 1
    names = [f"index_{n}.html" for n in range(first, first + 3)]
    expected = ["/zwgk/tzgg/index.html"] + [f"/zwgk/tzgg/{n}" for n in names]
    assert listing_paths == expected


@pytest.mark.parametrize("pager", ["next", "numbers"])
def test_generic_index_n_and_query_pagers(crawler: Crawler, portal: Portal, pager: str) -> None:
    post_id = portal.add_site(
        PostIdSite("post", "某区民政局", notices("某区民政局"), column_path="/zwgk/x/", pager=pager)
    )
    query = portal.add_site(
        GuangxiSite("query", "某厅", notices("某厅"), column_path="/xxgk/y/", pager=pager)
    )
    crawler.seed(post_id.key)
    crawler.seed(query.key)
    crawler.crawl()
    assert_all_archived(crawler, post_id)
    assert_all_archived(crawler, query)
    assert [h.path for h in query.hits if h.path.startswith("/xxgk/y/?")] == [
        "/xxgk/y/?page=2",
        "/xxgk/y/?page=3",
        "/xxgk/y/?page=4",
    ]


def test_detection_picks_each_default_sites_family(crawler: Crawler, portal: Portal) -> None:
    for key in portal.sites:
        crawler.seed(key, cms=None)
    crawler.crawl()
    for site in portal.sites.values():
        assert_all_archived(crawler, site)


def test_seed_match_filters_listed_items(crawler: Crawler, portal: Portal) -> None:
    crawler.seed("lanzhou-mzj", match={"title_keywords": ["法治政府建设"]})
    crawler.crawl("lanzhou-mzj")
    docs = crawler.documents("lanzhou-mzj")
    assert [d["title"] for d in docs.values()] == ["兰州市民政局关于2023年法治政府建设情况的报告"]
    # pages filtered out are not fetched at all
    assert crawler.detail_hits("lanzhou-mzj") == [
        portal.sites["lanzhou-mzj"].detail_path(portal.page("lanzhou-mzj", "report"))
    ]
