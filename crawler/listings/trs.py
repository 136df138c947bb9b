"""TRS WCM (拓尔思) column pages: index.html, index_1.html, … as createPageHTML() says.

Three call forms occur (cms-patterns.md §2.2):
    createPageHTML(pages, current, "index", "html")            current counts from 0
    createPageHTML(records, pages, current, "index", "html")   current counts from 0
    createPageHTML('page_div', pages, current, 'index', 'shtml', records)
                                                               current counts from 1
In the 0-based forms page N+1 is index_N.html; in the 1-based form page N is index_N.html
(page 1 is index.html in both). Links are relative (./202204/t20220415_123.html). Some
platforms (Gansu) put the list and the call inside an HTML comment, so comments are read too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

import lxml.html

from crawler.listings.base import Follow, ListingPage, ListingResult
from crawler.listings.fragments import items_from_anchors, parse_html
from crawler.listings.generic import detail_anchors
from crawler.listings.pagers import next_page_url

_CALL = re.compile(r"createPageHTML\s*\(([^)]*)\)")
_COMMENT = re.compile(r"<!--(?!\[if)(.*?)-->", re.S)
DETAIL = re.compile(r"(?:^|/)t\d{8}_\d+(?:_\d+)?\.s?html?$")


@dataclass(frozen=True)
class PageCall:
    """A createPageHTML call: page count, this page, file prefix and suffix."""

    count: int
    current: int
    prefix: str
    suffix: str
    one_based: bool = False

    def next_file(self) -> str | None:
        """The file name of the next page, or None on the last page.

        >>> PageCall(3, 0, "index", "html").next_file()
        'index_1.html'
        >>> PageCall(10, 1, "zwgklist", "shtml", one_based=True).next_file()
        'zwgklist_2.shtml'
        >>> PageCall(3, 2, "index", "html").next_file() is None
        True
        """
        last = self.count if self.one_based else self.count - 1
        if self.current >= last:
            return None
        return f"{self.prefix}_{self.current + 1}.{self.suffix}"


def page_call(text: str) -> PageCall | None:
    """The listing's createPageHTML call, in any of its three forms.

    >>> page_call('createPageHTML(3, 0, "index", "html");')
    PageCall(count=3, current=0, prefix='index', suffix='html', one_based=False)
    >>> page_call('createPageHTML(57, 3, 1, "index", "shtml")')
    PageCall(count=3, current=1, prefix='index', suffix='shtml', one_based=False)
    >>> page_call("createPageHTML('page_div',10, 1,'zwgklist','shtml',200);")
    PageCall(count=10, current=1, prefix='zwgklist', suffix='shtml', one_based=True)
    """
    for match in _CALL.finditer(text):
        args = [a.strip().strip("'\"") for a in match.group(1).split(",")]
        if len(args) == 6 and not args[0].isdigit() and args[1].isdigit() and args[2].isdigit():
            return PageCall(int(args[1]), int(args[2]), args[3], args[4], one_based=True)
        if len(args) in (4, 5) and all(a.isdigit() for a in args[:-2]) and args[-2] and args[-1]:
            numbers = [int(a) for a in args[:-2]]
            count, current = numbers[-2], numbers[-1]
            return PageCall(count, current, args[-2], args[-1])
    return None


def commented_anchors(text: str) -> list[lxml.html.HtmlElement]:
    """Anchors written inside HTML comments (a DOM parser never sees them)."""
    anchors: list[lxml.html.HtmlElement] = []
    for body in _COMMENT.findall(text):
        if "<a" not in body:
            continue
        tree = parse_html(f"<div>{body}</div>")
        if tree is not None:
            anchors.extend(tree.iter("a"))
    return anchors


class TrsListing:
    """Relative t-date links (or other detail-shaped ones), and index_N pages as the page's
    createPageHTML call states, else its pager links."""

    name = "trs"

    def parse(self, page: ListingPage) -> ListingResult:
        tree = parse_html(page.text)
        if tree is None:
            return ListingResult()
        anchors = [*tree.iter("a"), *commented_anchors(page.text)]
        if page.url_patterns:
            chosen = list(
                detail_anchors(anchors, base_url=page.url, url_patterns=page.url_patterns)
            )
        else:
            chosen = [a for a in anchors if DETAIL.search((a.get("href") or "").strip())]
            if not chosen:  # platforms on TRS pagers with their own URL shapes (Gansu)
                chosen = list(detail_anchors(anchors, base_url=page.url, url_patterns=()))
        items = tuple(items_from_anchors(chosen, page.url))
        follow: tuple[Follow, ...] = ()
        if items:
            call = page_call(page.text)
            if call is not None:
                name = call.next_file()
                nxt = urljoin(page.url, name) if name else None
            else:
                nxt = next_page_url(tree, url=page.url, page=page.page)
            if nxt:
                follow = (Follow(url=nxt, page=page.page + 1),)
        return ListingResult(items=items, follow=follow)
