"""Attachments: suffix on the parsed URL path only, links made absolute, blocks outside the body."""

from __future__ import annotations

import pytest

from crawler.extract import Attachment, extract_report
from crawler.extract.attachments import ATTACHMENT_SUFFIXES, is_attachment_url

URL = "http://mzj.lanzhou.gov.cn/art/2024/2/2/art_1_1318264.html"


@pytest.mark.parametrize("suffix", ATTACHMENT_SUFFIXES)
def test_every_suffix(suffix: str) -> None:
    assert is_attachment_url(f"/files/附件1{suffix}")
    assert is_attachment_url(f"/files/附件1{suffix.upper()}?t=1")
    assert not is_attachment_url(f"/view.jsp?file=a{suffix}")


@pytest.mark.parametrize(
    "href",
    ["ItemDetail.html?docId=1170162", "/doc/index.html", "/docs/", "x.docx.html", "/a.pdfx"],
)
def test_not_attachments(href: str) -> None:
    assert not is_attachment_url(href)


def _page(body: str, outside: str = "", head: str = "") -> str:
    return (
        f"<html><head>{head}</head><body><div class='nav'><a href='/guide.pdf'>指南</a></div>"
        f"<div id='zoom'><p>正文第一段，现将有关情况报告如下。</p>{body}</div>{outside}"
        "<div class='footer'><a href='/about.pdf'>关于</a></div></body></html>"
    )


def test_relative_links_resolved_against_the_page_url() -> None:
    html = _page(
        "<p><a href='../../../../module/download/附件1.pdf'>附件1：统计表</a></p>"
        "<p><a href='files/report.DOCX'>附件2</a></p><p><a href='/files/a.wps'></a></p>"
    )
    assert extract_report(html, url=URL).attachments == (
        Attachment("附件1：统计表", "http://mzj.lanzhou.gov.cn/module/download/附件1.pdf"),
        Attachment("附件2", "http://mzj.lanzhou.gov.cn/art/2024/2/2/files/report.DOCX"),
        Attachment("a.wps", "http://mzj.lanzhou.gov.cn/files/a.wps"),
    )


def test_relative_links_kept_without_a_url() -> None:
    html = _page("<p><a href='files/a.ofd'>附件</a></p>")
    assert extract_report(html).attachments == (Attachment("附件", "files/a.ofd"),)


def test_base_href_and_attachment_block_outside_the_body() -> None:
    html = _page(
        "",
        outside="<div class='fujian'><p>相关附件：</p><a href='up/a.xlsx'>数据表</a>"
        "<a href='up/a.xlsx'>数据表（重复）</a></div>",
        head="<base href='http://cdn.example.gov.cn/site/'>",
    )
    assert extract_report(html, url=URL).attachments == (
        Attachment("数据表", "http://cdn.example.gov.cn/site/up/a.xlsx"),
    )


def test_nav_footer_hidden_and_docid_links_are_not_attachments() -> None:
    html = _page(
        "<p><a href='/cn/view/pages/ItemDetail.html?docId=1170162'>文章</a></p>"
        "<p style='display:none'><a href='/hidden.zip'>隐</a></p>"
        "<p><a href='javascript:void(0)'>a.pdf</a></p>"
    )
    assert extract_report(html, url=URL).attachments == ()
