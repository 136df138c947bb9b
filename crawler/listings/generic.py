"""Any other listing: the page's anchors that look like detail pages, and 下一页 pagination."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import lxml.html

from crawler.listings.base import Follow, ListingPage, ListingResult
from crawler.listings.fragments import items_from_anchors, parse_html

NEXT_TEXT = ("下一页", "下页", "后一页", "next", "Next", ">")
# Paths that name one article rather than a column: ids, dates or CMS article shapes.
DETAIL_PATH = re.compile(
    r"(post_\d+|content_\d+|art_\d+_\d+|t\d{8}_\d+|/\d{8}-\d+|/\d{6,}|[0-9a-f]{24,32})"
    r"[^/]*\.(s?html?|jhtml)$|/content_\d+$|/info/\d+/\d+\.htm$"
)
_CHROME = ("nav", "header", "footer")


def _in_chrome(a: lxml.html.HtmlElement) -> bool:
    for node in a.iterancestors():
        ident = f"{node.get('class', '')} {node.get('id', '')}".lower()
        if node.tag in _CHROME or any(w in ident for w in ("nav", "footer", "header", "top")):
            return True
    return False


class GenericListing:
    """Detail-shaped, same-site anchors outside the page chrome."""

    name = "generic"

    def parse(self, page: ListingPage) -> ListingResult:
        tree = parse_html(page.text)
        if tree is None:
            return ListingResult()
        host = urlsplit(page.url).hostname
        candidates = []
        for a in tree.iter("a"):
            href = (a.get("href") or "").strip()
            url = urljoin(page.url, href)
            if (
                urlsplit(url).hostname == host
                and DETAIL_PATH.search(urlsplit(url).path)
                and not _in_chrome(a)
            ):
                candidates.append(a)
        items = tuple(items_from_anchors(candidates, page.url))
        follow: tuple[Follow, ...] = ()
        if items and page.page < page.max_pages:
            for a in tree.iter("a"):
                label = " ".join(a.text_content().split())
                href = (a.get("href") or "").strip()
                if label in NEXT_TEXT and href and not href.startswith("javascript"):
                    nxt = urljoin(page.url, href)
                    if nxt != page.url:
                        follow = (Follow(url=nxt, page=page.page + 1),)
                        break
        return ListingResult(items=items, follow=follow)
