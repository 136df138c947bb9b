"""Finding a listing's next page in its own links: 下一页 anchors, then numbered page links
(index_N.html, ?page=N, …). Patterns are data."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urljoin, urlsplit

import lxml.html

NEXT_WORDS = frozenset({"下一页", "下页", "后一页", "下一頁", "next", "Next", "Next Page"})
# Arrows also drive carousels and menus: they count only on links that number a page.
NEXT_ARROWS = frozenset({">", "›", "»", ">>", "》", "下一页>", "下一页 >", "下一页»"})
# Paths and queries that number a listing's pages.
PAGE_PATH = re.compile(r"(?:index|list|default|zwgklist)?_(\d+)\.s?html?$|/(\d+)\.s?html?$")
PAGE_PARAMS = ("page", "pageNum", "pageNo", "pageno", "pageIndex", "curPage", "p", "pn")


def _usable(href: str) -> bool:
    return bool(href) and not href.lower().startswith(("javascript:", "#", "mailto:"))


def page_number(url: str) -> int | None:
    """The page number a pager URL names, if it names one.

    >>> page_number("http://a.gov.cn/col/index_3.html"), page_number("/xxgk/?page=2")
    (3, 2)
    >>> page_number("/xxgk/index.html") is None
    True
    """
    parts = urlsplit(url)
    for key, value in parse_qsl(parts.query):
        if key in PAGE_PARAMS and value.isdigit():
            return int(value)
    m = PAGE_PATH.search(parts.path)
    if m:
        return int(m.group(1) or m.group(2))
    return None


def next_page_url(tree: lxml.html.HtmlElement, *, url: str, page: int) -> str | None:
    """The URL of the page after this one: a 下一页 link, else the link numbered page + 1.

    `page` is the 1-based position of this page in the crawl.
    """
    numbered: str | None = None
    for a in tree.iter("a"):
        href = (a.get("href") or "").strip()
        if not _usable(href):
            continue
        label = " ".join(a.text_content().split())
        target = urljoin(url, href)
        if target == url:
            continue
        title = (a.get("title") or "").strip()
        if label in NEXT_WORDS or title in NEXT_WORDS:
            return target
        if (label in NEXT_ARROWS or title in NEXT_ARROWS) and page_number(target) is not None:
            return target
        if numbered is None and label == str(page + 1) and page_number(target) is not None:
            numbered = target
    return numbered
