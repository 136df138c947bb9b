"""Dates: every printed form parses; 文号, 索引号, URL counters and footers never do."""

from __future__ import annotations

import datetime

import pytest

from crawler.extract import extract_report
from crawler.extract.dates import parse_date

D = datetime.date(2024, 2, 2)


@pytest.mark.parametrize(
    "text",
    [
        "2024-02-02",
        "2024-2-2",
        "2024/02/02",
        "2024.02.02",
        "2024年2月2日",
        "2024 年 02 月 02 日",
        "２０２４年２月２日",
        "二〇二四年二月二日",
        "二○二四年二月二日",
        "发布时间：2024-02-02 09:30:00",
        "2024-02-02-23:59:59",
    ],
)
def test_date_forms(text: str) -> None:
    assert parse_date(text) == D


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("二〇二三年十二月三十一日", datetime.date(2023, 12, 31)),
        ("二〇二四年十月十日", datetime.date(2024, 10, 10)),
    ],
)
def test_hanzi_tens(text: str, expected: datetime.date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "索引号：2026-02-00018",
        "jz-mzj-2022-00068",
        "兰民字〔2024〕8号",
        "桂民发[2022]7号",
        "/yw/sxyw/201909/t20190918_693227.shtml",
        "Copyright © 2003-2024 版权所有",
        "2024-13-01",
        "2024-02-30",
        "2022411",
        "",
    ],
)
def test_not_dates(text: str) -> None:
    assert parse_date(text) is None


def _page(info: str, meta: str = "", footer: str = "") -> str:
    return (
        f"<html><head><title>关于2023年法治政府建设情况的报告</title>{meta}</head><body>"
        f"<div class='info'>{info}</div><div id='zoom'><p>兰民字〔2024〕8号</p>"
        "<p>现将工作完成情况报告如下。</p></div>"
        f"<div class='footer'>{footer}</div></body></html>"
    )


def test_published_ignores_index_number_doc_number_and_copyright() -> None:
    html = _page(
        "索引号：2026-02-00018 文号：兰民字〔2024〕8号",
        footer="Copyright © 2003-2024 网站标识码 6201000001 更新时间 2024-12-01",
    )
    result = extract_report(html, url="http://mzj.lanzhou.gov.cn/art/2024/2/2/art_1_1318264.html")
    assert result.published is None
    assert result.index_number == "2026-02-00018"
    assert result.doc_number == "兰民字〔2024〕8号"


def test_published_from_meta_when_page_shows_none() -> None:
    html = _page("", meta='<meta name="PubDate" content="2024-02-02 09:30">')
    assert extract_report(html).published == D


def test_shown_date_beats_meta() -> None:
    html = _page("发布日期：2024-02-02", meta='<meta name="PubDate" content="2024-03-27 09:36">')
    assert extract_report(html).published == D


def test_hanzi_date_in_disclosure_table_and_written_date() -> None:
    html = _page(
        "<table><tr><td>成文日期：</td><td>二〇二四年一月三十日</td>"
        "<td>发布日期：</td><td>2024年2月2日</td></tr></table>"
    )
    result = extract_report(html)
    assert (result.published, result.written) == (D, datetime.date(2024, 1, 30))


def test_date_nearest_the_body_wins_over_a_sidebar() -> None:
    html = (
        "<html><body><div class='side'>发布时间：2019-01-01</div><div class='main'>"
        "<div class='info'>发布时间：2024-02-02</div><div id='zoom'><p>正文第一段。</p></div></div>"
        "<ul class='related'><li>发布时间：2025-05-05</li></ul></body></html>"
    )
    assert extract_report(html).published == D
