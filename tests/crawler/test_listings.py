"""Listing adapters on saved real listings (../shared/corpus/listings) and on the pages the
portal's CMS-shaped sites render, one test per behaviour: items, dates, pager, shells."""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from crawler.listings import ListingPage, adapter_for, detect_cms, shell_reason
from crawler.listings.hanweb import HanwebListing
from crawler.listings.trs import TrsListing
from crawler.portal.catalogue import make_notices
from crawler.portal.generic_site import GuangxiSite, PostIdSite
from crawler.portal.hanweb_site import HanwebSite
from crawler.portal.trs_site import TrsSite

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("GONGKAI_CORPUS", ROOT.parent / "shared" / "corpus")) / "listings"


def corpus_page(name: str, url: str = "http://www.example.gov.cn/col/list/index.shtml") -> str:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"shared corpus listing {path} not found (set GONGKAI_CORPUS)")
    return path.read_text(encoding="utf-8")


def parse(text: str, url: str, *, page: int = 1, cms: str | None = None, **kw: object):
    return adapter_for(cms or detect_cms(text)).parse(
        ListingPage(url=url, text=text, page=page, **kw)  # type: ignore[arg-type]
    )


# -- the saved real listings --------------------------------------------------------------


def test_gansu_comment_wrapped_list_is_read_from_the_comment() -> None:
    text = corpus_page("gansu-jyt-list.html")
    url = "http://jyt.gansu.gov.cn/jyt/c110634/zwgklist.shtml"
    assert detect_cms(text) == "trs"
    result = parse(text, url)
    assert len(result.items) == 20
    first = result.items[0]
    assert first.url == "http://jyt.gansu.gov.cn/jyt/c110634/202511/174240943.shtml"
    assert first.title.startswith("关于开展2024年全域全员全过程使用智慧教育平台")
    assert first.date == "2025-11-17"
    # createPageHTML('page_div',10, 1,'zwgklist','shtml',200): 1-based, so page 2 is _2
    assert [f.url for f in result.follow] == [
        "http://jyt.gansu.gov.cn/jyt/c110634/zwgklist_2.shtml"
    ]


def test_fujian_static_first_page_items_and_dates_from_the_next_cell() -> None:
    text = corpus_page("fujian-pingtan-list.html")
    url = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/"
    result = parse(text, url)
    assert detect_cms(text) == "trs"
    assert len(result.items) == 10
    assert result.items[0].url == (
        "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202603/t20260313_105587.htm"
    )
    assert result.items[0].title == "平潭综合实验区2025年度政府信息公开工作年度报告"
    assert result.items[0].date == "2026-03-10"
    assert all(item.date for item in result.items)


def test_govcn_home_is_generic_content_links_without_a_false_pager() -> None:
    text = corpus_page("govcn-home.html")
    result = parse(text, "https://www.gov.cn/")
    assert detect_cms(text) == "generic"
    assert len(result.items) >= 30
    assert all("content_" in item.url for item in result.items)
    assert sum(1 for item in result.items if not item.title) <= 1  # one image-only link
    assert result.follow == ()  # a carousel arrow is not a pager


@pytest.mark.parametrize(
    ("name", "origin"),
    [
        ("hanweb-jpaas-shell.html", "loadPageData()"),
        ("ruishu-cde-shell.html", "an art-template template"),
        ("ruishu-nmpa-shell.html", "a Vue template"),
    ],
)
def test_listing_shells_hold_no_items_and_say_where_items_come_from(name: str, origin: str) -> None:
    text = corpus_page(name)
    result = parse(text, "https://www.example.gov.cn/list/")
    assert result.items == ()
    reason = shell_reason(text)
    assert reason is not None
    assert reason.startswith("listing holds no items; the site loads them by script from ")
    assert origin in reason


def test_ruishu_shells_say_the_site_is_behind_ruishu() -> None:
    for name in ("ruishu-cde-shell.html", "ruishu-nmpa-shell.html"):
        assert "瑞数" in (shell_reason(corpus_page(name)) or "")
    assert "瑞数" not in (shell_reason(corpus_page("hanweb-jpaas-shell.html")) or "")


def test_real_listings_with_items_are_not_shells() -> None:
    for name in ("gansu-jyt-list.html", "govcn-home.html"):
        assert shell_reason(corpus_page(name)) is None


# -- hanweb -------------------------------------------------------------------------------


def hanweb(dialect: str, n: int = 10) -> HanwebSite:
    notices = many_notices("某市民政局")
    return HanwebSite(
        "hw", "某市民政局", notices[:n], column=4242, unit=77, webid=5, dialect=dialect
    )


BASE = "http://127.0.0.1:8000"


def test_hanweb_inline_records_then_a_post_to_the_nextgroup_href() -> None:
    site = hanweb("classic")
    result = HanwebListing().parse(
        ListingPage(url=BASE + site.listing_path, text=site.render_column())
    )
    assert [i.url for i in result.items] == [BASE + site.detail_path(p) for p in site.pages[:4]]
    assert result.items[0].date == site.pages[0].published.isoformat()
    (follow,) = result.follow
    assert follow.method == "POST" and follow.page == 2
    parts = urlsplit(follow.url)
    assert parts.path == "/module/web/jpage/dataproxy.jsp"
    assert parse_qs(parts.query)["columnid"] == ["4242"]
    form = parse_qs((follow.body or b"").decode())
    assert (form["startrecord"], form["endrecord"], form["perpage"]) == (["5"], ["8"], ["4"])


def test_hanweb_pages_through_dataproxy_until_total_record() -> None:
    site = hanweb("classic", n=10)
    page = ListingPage(url=BASE + site.listing_path, text=site.render_column())
    result = HanwebListing().parse(page)
    seen = [i.url for i in result.items]
    while result.follow:
        (follow,) = result.follow
        query = parse_qs(urlsplit(follow.url).query)
        form = {**query, **parse_qs((follow.body or b"").decode())}
        reply = site.dataproxy(form)
        result = HanwebListing().parse(
            ListingPage(
                url=follow.url, text=reply.body.decode(), page=follow.page, state=follow.state
            )
        )
        seen += [i.url for i in result.items]
    assert seen == [BASE + site.detail_path(p) for p in site.pages]


def test_hanweb_ajax_dialect_builds_the_proxy_request_from_ajaxparam() -> None:
    site = hanweb("ajax")
    text = site.render_column()
    assert "<nextgroup>" not in text
    (follow,) = HanwebListing().parse(ListingPage(url=BASE + site.listing_path, text=text)).follow
    assert follow.url == BASE + "/module/web/jpage/dataproxy.jsp"
    form = parse_qs((follow.body or b"").decode())
    assert form["columnid"] == ["4242"] and form["unitid"] == ["77"] and form["webid"] == ["5"]


def test_hanweb_encrypted_dialect_takes_the_nextgroup_url_as_it_is() -> None:
    site = hanweb("encrypted")
    (follow,) = (
        HanwebListing()
        .parse(ListingPage(url=BASE + site.listing_path, text=site.render_column()))
        .follow
    )
    query = parse_qs(urlsplit(follow.url).query)
    assert query["columnid"] == [parse_qs(f"x={site.token}")["x"][0]]
    assert "4242" not in follow.url  # the real column id appears nowhere
    form = parse_qs((follow.body or b"").decode())
    assert set(form) == {"startrecord", "endrecord", "perpage"}


def test_hanweb_column_that_lists_art_links_directly_follows_its_pager() -> None:
    site = hanweb("direct")
    text = site.render_column()
    assert "<datastore" not in text
    result = HanwebListing().parse(ListingPage(url=BASE + site.listing_path, text=text))
    assert [i.url for i in result.items] == [BASE + site.detail_path(p) for p in site.pages[:4]]
    assert [f.url for f in result.follow] == [BASE + "/col/col4242/index_2.html"]
    assert result.follow[0].method == "GET"


def test_hanweb_recordset_cdata_holds_every_record() -> None:
    site = hanweb("recordset")
    result = HanwebListing().parse(
        ListingPage(url=BASE + site.listing_path, text=site.render_column())
    )
    assert [i.url for i in result.items] == [BASE + site.detail_path(p) for p in site.pages]
    assert result.follow == ()


def test_hanweb_is_detected_from_the_page() -> None:
    for dialect in ("classic", "ajax", "encrypted", "direct", "recordset"):
        assert detect_cms(hanweb(dialect).render_column()) == "hanweb", dialect


# -- trs ----------------------------------------------------------------------------------


def many_notices(agency: str) -> list:
    """Sixteen notices: four listing pages of four."""
    return make_notices(agency, seed=3, first_article_id=9000) + make_notices(
        agency, seed=4, first_article_id=9100
    )


def trs(call: str, *, commented: bool = False) -> TrsSite:
    notices = many_notices("某市民政局")
    return TrsSite(
        "trs", "某市民政局", notices, column_path="/zwgk/tzgg/", call=call, commented=commented
    )


@pytest.mark.parametrize(
    ("call", "second", "third"),
    [
        ("pages", "index_1.html", "index_2.html"),
        ("records", "index_1.html", "index_2.html"),
        ("six", "index_2.html", "index_3.html"),
    ],
)
@pytest.mark.parametrize("commented", [False, True])
def test_trs_pages_as_createpagehtml_says(
    call: str, second: str, third: str, commented: bool
) -> None:
    site = trs(call, commented=commented)
    base = BASE + site.column_path
    reply = site.route_listing("GET", site.listing_path, "", b"")
    assert reply is not None
    result = TrsListing().parse(ListingPage(url=base + "index.html", text=reply.body.decode("gbk")))
    # relative ./YYYYMM/tYYYYMMDD_ID.html links made absolute
    assert [i.url for i in result.items] == [BASE + site.detail_path(p) for p in site.pages[:4]]
    assert [f.url for f in result.follow] == [base + second]
    reply2 = site.route_listing("GET", site.column_path + second, "", b"")
    assert reply2 is not None and reply2.status == 200
    page2 = TrsListing().parse(
        ListingPage(url=base + second, text=reply2.body.decode("gbk"), page=2)
    )
    assert [i.url for i in page2.items] == [BASE + site.detail_path(p) for p in site.pages[4:8]]
    assert [f.url for f in page2.follow] == [base + third]


def test_trs_last_page_has_no_next() -> None:
    site = trs("pages")
    reply = site.route_listing("GET", site.column_path + "index_3.html", "", b"")
    assert reply is not None
    result = TrsListing().parse(
        ListingPage(
            url=BASE + site.column_path + "index_3.html", text=reply.body.decode("gbk"), page=4
        )
    )
    assert result.items and result.follow == ()


# -- generic ------------------------------------------------------------------------------


@pytest.mark.parametrize("pager", ["next", "numbers"])
def test_generic_index_n_pages(pager: str) -> None:
    notices = many_notices("某区民政局")
    site = PostIdSite("g", "某区民政局", notices, column_path="/zwgk/fzzfjsbg/", pager=pager)
    reply = site.route_listing("GET", site.listing_path, "", b"")
    assert reply is not None
    result = parse(reply.body.decode(), BASE + site.listing_path, cms="generic")
    assert [i.url for i in result.items] == [BASE + site.detail_path(p) for p in site.pages[:4]]
    assert [f.url for f in result.follow] == [BASE + "/zwgk/fzzfjsbg/index_2.html"]


@pytest.mark.parametrize("pager", ["next", "numbers"])
def test_generic_query_string_pages(pager: str) -> None:
    notices = many_notices("某厅")
    site = GuangxiSite("g", "某厅", notices, column_path="/xxgk/fzzfjs/", pager=pager)
    reply = site.route_listing("GET", site.listing_path, "page=2", b"")
    assert reply is not None
    result = parse(reply.body.decode(), BASE + "/xxgk/fzzfjs/?page=2", page=2, cms="generic")
    assert [i.url for i in result.items] == [BASE + site.detail_path(p) for p in site.pages[4:8]]
    assert [f.url for f in result.follow] == [BASE + "/xxgk/fzzfjs/?page=3"]


def test_generic_uses_the_seeds_url_patterns_over_its_own_guess() -> None:
    text = """<ul><li><a href="/notice/view?id=7">关于印发方案的通知</a> 2024-01-02</li>
    <li><a href="/about.html">关于我们</a></li></ul>"""
    assert parse(text, BASE + "/notice/", cms="generic").items == ()
    result = parse(text, BASE + "/notice/", cms="generic", url_patterns=(r"/notice/view\?id=\d+",))
    assert [(i.url, i.date) for i in result.items] == [(BASE + "/notice/view?id=7", "2024-01-02")]


def test_generic_skips_navigation_and_footer_links() -> None:
    text = """<div class="nav"><a href="/a/post_1.html">导航</a></div>
    <ul class="list"><li><a href="/a/post_2.html">正文条目</a></li></ul>
    <div class="footer"><a href="/a/post_3.html">页脚</a></div>"""
    assert [i.url for i in parse(text, BASE + "/a/", cms="generic").items] == [
        BASE + "/a/post_2.html"
    ]


def test_a_page_without_items_offers_no_next_page() -> None:
    text = '<ul></ul><a href="index_2.html">下一页</a>'
    assert parse(text, BASE + "/a/index.html", cms="generic").follow == ()


def test_listing_metadata_json_covers_every_saved_listing() -> None:
    # The tests above cover each listing the corpus describes; a new one should get a test.
    path = CORPUS / "listings.json"
    if not path.exists():
        pytest.skip(f"{path} not found (set GONGKAI_CORPUS)")
    names = {entry["file"] for entry in json.loads(path.read_text(encoding="utf-8"))}
    covered = {
        "gansu-jyt-list.html", "fujian-pingtan-list.html", "govcn-home.html",
        "hanweb-jpaas-shell.html", "ruishu-cde-shell.html", "ruishu-nmpa-shell.html",
    }  # fmt: skip
    assert names == covered
