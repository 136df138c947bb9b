"""Any other listing: the page's anchors that look like detail pages (or match the seed's
url_patterns), and pagination by 下一页, index_N.html or ?page=N links."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from urllib.parse import urljoin, urlsplit

import lxml.html

from crawler.listings.base import Follow, ListingPage, ListingResult
from crawler.listings.fragments import items_from_anchors, parse_html
from crawler.listings.pagers import next_page_url

# Paths that name one article rather than a column: ids, dates or CMS article shapes.
DETAIL_PATH = re.compile(
    r"(post_\d+|content_\d+|art_\d+_\d+|t\d{8}_\d+|/\d{8}-\d+|/\d{6,}|[0-9a-f]{24,32})"
    r"[^/]*\.(s?html?|jhtml)$|/content_\d+$|/info/\d+/\d+\.htm$"
)
_CHROME_TAGS = ("nav", "header", "footer")
_CHROME_WORDS = ("nav", "footer", "header", "top", "menu", "crumb", "position", "location")


def in_chrome(a: lxml.html.HtmlElement) -> bool:
    """Whether an anchor sits in navigation, header or footer furniture."""
    for node in a.iterancestors():
        ident = f"{node.get('class', '')} {node.get('id', '')}".lower()
        if node.tag in _CHROME_TAGS or any(w in ident for w in _CHROME_WORDS):
            return True
    return False


def detail_anchors(
    anchors: Iterable[lxml.html.HtmlElement], *, base_url: str, url_patterns: tuple[str, ...]
) -> Iterator[lxml.html.HtmlElement]:
    """Anchors that name detail pages: by the seed's patterns if it gives any, else by shape."""
    patterns = [re.compile(p) for p in url_patterns]
    for a in anchors:
        href = (a.get("href") or "").strip()
        if not href:
            continue
        url = urljoin(base_url, href)
        if patterns:
            if any(p.search(url) for p in patterns):
                yield a
        elif DETAIL_PATH.search(urlsplit(url).path) and not in_chrome(a):
            yield a


class GenericListing:
    """Detail-shaped anchors outside the page chrome, and the pager's next link."""

    name = "generic"

    def parse(self, page: ListingPage) -> ListingResult:
        tree = parse_html(page.text)
        if tree is None:
            return ListingResult()
        chosen = detail_anchors(tree.iter("a"), base_url=page.url, url_patterns=page.url_patterns)
        items = tuple(items_from_anchors(chosen, page.url))
        follow: tuple[Follow, ...] = ()
        if items:
            nxt = next_page_url(tree, url=page.url, page=page.page)
            if nxt:
                follow = (Follow(url=nxt, page=page.page + 1),)
        return ListingResult(items=items, follow=follow)
