"""TRS WCM (拓尔思) column pages: index.html, index_1.html, … as createPageHTML() says.

Both argument orders occur: createPageHTML(pages, current, "index", "html") and
createPageHTML(records, pages, current, "index", "html"); `current` counts from 0.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from crawler.listings.base import Follow, ListingPage, ListingResult
from crawler.listings.fragments import items_from_anchors, parse_html

_CALL = re.compile(r"createPageHTML\s*\(([^)]*)\)")
DETAIL = re.compile(r"(?:^|/)t\d{8}_\d+(?:_\d+)?\.s?html?$")


def page_call(text: str) -> tuple[int, int, str, str] | None:
    """(page count, current 0-based page, file prefix, suffix) from a createPageHTML call.

    >>> page_call('createPageHTML(3, 0, "index", "html");')
    (3, 0, 'index', 'html')
    >>> page_call('createPageHTML(57, 3, 1, "index", "shtml")')
    (3, 1, 'index', 'shtml')
    """
    for match in _CALL.finditer(text):
        args = [a.strip().strip("'\"") for a in match.group(1).split(",")]
        numbers = [int(a) for a in args if a.isdigit()]
        words = [a for a in args if a and not a.isdigit()]
        if len(words) < 2 or not numbers:
            continue
        prefix, suffix = words[-2], words[-1]
        if len(numbers) >= 3:
            return numbers[1], numbers[2], prefix, suffix
        if len(numbers) == 2:
            return numbers[0], numbers[1], prefix, suffix
    return None


class TrsListing:
    """Relative t-date links, and index_N pages up to the count the page states."""

    name = "trs"

    def parse(self, page: ListingPage) -> ListingResult:
        tree = parse_html(page.text)
        if tree is None:
            return ListingResult()
        anchors = (a for a in tree.iter("a") if DETAIL.search((a.get("href") or "").strip()))
        items = tuple(items_from_anchors(anchors, page.url))
        call = page_call(page.text)
        follow: tuple[Follow, ...] = ()
        if call and items:
            count, current, prefix, suffix = call
            if current + 1 < count and page.page < page.max_pages:
                nxt = urljoin(page.url, f"{prefix}_{current + 1}.{suffix}")
                follow = (Follow(url=nxt, page=page.page + 1),)
        return ListingResult(items=items, follow=follow)
