"""Reading listed items out of HTML: anchors, their titles and the dates beside them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml.etree import ParserError

from crawler.listings.base import ListedItem

DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?!\d)")
_SKIP_SCHEMES = ("javascript:", "mailto:", "#", "tel:")


def _date_near(anchor: lxml.html.HtmlElement) -> str | None:
    """The first date in the anchor's list item (or row), else in the cell after it, as
    YYYY-MM-DD."""
    node = anchor
    for _ in range(3):
        parent = node.getparent()
        if parent is None:
            break
        node = parent
        if node.tag in ("li", "tr", "dd", "dl", "div", "p", "td"):
            break
    m = DATE.search(node.text_content())
    if not m and node.tag in ("dd", "td", "dt", "span"):
        sibling = node.getnext()  # <dd><a>…</a></dd><dd>2026-03-10</dd>
        m = DATE.search(sibling.text_content()) if sibling is not None else None
    if not m:
        return None
    year, month, day = (int(g) for g in m.groups())
    return f"{year:04d}-{month:02d}-{day:02d}"


def anchor_title(anchor: lxml.html.HtmlElement) -> str:
    """An anchor's title attribute, else its text, whitespace folded."""
    title = anchor.get("title") or anchor.text_content()
    return " ".join(title.split())


def items_from_anchors(
    anchors: Iterable[lxml.html.HtmlElement], base_url: str
) -> Iterator[ListedItem]:
    """ListedItems from anchors, absolute, without script links or duplicates, in page order.

    A URL linked twice (an image, then its headline) keeps the first title that isn't empty.
    """
    found: dict[str, ListedItem] = {}
    for a in anchors:
        href = (a.get("href") or "").strip()
        if not href or href.lower().startswith(_SKIP_SCHEMES):
            continue
        url = urljoin(base_url, href)
        if urlsplit(url).scheme not in ("http", "https"):
            continue
        known = found.get(url)
        if known is None:
            found[url] = ListedItem(url=url, title=anchor_title(a), date=_date_near(a))
        elif not known.title:
            found[url] = ListedItem(
                url=url, title=anchor_title(a), date=known.date or _date_near(a)
            )
    yield from found.values()


def parse_html(text: str) -> lxml.html.HtmlElement | None:
    """Parse a page or fragment leniently; None when there is nothing to parse."""
    if not text.strip():
        return None
    try:
        return lxml.html.fromstring(text)
    except (ParserError, ValueError):
        return None


def items_from_fragment(fragment: str, base_url: str) -> list[ListedItem]:
    """Items of an HTML fragment such as a Hanweb <record> CDATA block."""
    tree = parse_html(fragment)
    if tree is None:
        return []
    anchors = [tree] if tree.tag == "a" else tree.iter("a")
    return list(items_from_anchors(anchors, base_url))
