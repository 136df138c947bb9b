"""Hanweb (大汉 JCMS) column pages (cms-patterns.md §1.2).

The first records sit inline in `<script type="text/xml"><datastore>…<record><![CDATA[…]]>`;
the rest come from POST /module/web/jpage/dataproxy.jsp with startrecord/endrecord/perpage.
Where the page has a `<nextgroup>` href, that URL is the pager, taken as it is: on sites that
encrypt columnid/unitid it is the only correct one. Otherwise the column's own parameters
(columnid, unitid, webid, …) are read from the jpage call. Some columns have no datastore:
their /col/ page lists /art/ links itself, or holds every record in one <recordset> CDATA.
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from crawler.listings.base import Follow, ListedItem, ListingPage, ListingResult
from crawler.listings.fragments import items_from_anchors, items_from_fragment, parse_html
from crawler.listings.generic import detail_anchors, in_chrome
from crawler.listings.pagers import next_page_url

DATAPROXY = "/module/web/jpage/dataproxy.jsp"
ART_LINK = re.compile(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html?|/col/col\d+/art/")
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
_RECORDSET = re.compile(r"<recordset>\s*<!\[CDATA\[(.*?)\]\]>\s*</recordset>", re.S)
_NEXTGROUP = re.compile(
    r"<nextgroup>\s*<!\[CDATA\[.*?href=[\"']([^\"']*dataproxy\.jsp[^\"']*)", re.S
)
_PARAM_NAMES = (
    "col",
    "appid",
    "webid",
    "path",
    "columnid",
    "sourceContentType",
    "unitid",
    "webname",
    "permissiontype",
)
_PARAM = re.compile(
    r"\b(" + "|".join(_PARAM_NAMES) + r")\s*[:=]\s*['\"]?([^'\",}\s&]*)",
)
_PER_PAGE = re.compile(r"\bperPage\s*[:=]\s*['\"]?(\d+)", re.I)
_GROUP = re.compile(r"\bgroupSize\s*[:=]\s*['\"]?(\d+)", re.I)
_TOTAL = re.compile(r"\btotalRecord\s*[:=]\s*['\"]?(\d+)|<totalrecord>\s*(\d+)", re.I)


def nextgroup_url(text: str, base_url: str) -> str | None:
    """The dataproxy URL a page's <nextgroup> block names, absolute.

    >>> nextgroup_url('<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?'
    ...     'page=1&amp;columnid=Xk2%3D"></a>]]></nextgroup>', "http://a.gov.cn/col/col1/index.html")
    'http://a.gov.cn/module/web/jpage/dataproxy.jsp?page=1&columnid=Xk2%3D'
    """
    m = _NEXTGROUP.search(text)
    return urljoin(base_url, html.unescape(m.group(1))) if m else None


def column_params(text: str) -> dict[str, str]:
    """The jpage parameters a column page passes to dataproxy.jsp (ajaxParam, or the query
    of its <nextgroup> href).

    >>> column_params("ajaxParam: { col: 1, webid: 21, columnid: 2506, unitid: 7681 }")
    {'col': '1', 'webid': '21', 'columnid': '2506', 'unitid': '7681'}
    """
    params: dict[str, str] = {}
    for name, value in _PARAM.findall(text):
        params.setdefault(name, html.unescape(value))
    m = _NEXTGROUP.search(text)
    if m:
        query = urlsplit(html.unescape(m.group(1))).query
        for k, v in parse_qsl(query):
            if k in _PARAM_NAMES:
                params.setdefault(k, v)
    return params


def records(text: str, base_url: str) -> list[ListedItem]:
    """Items of every <record> CDATA block, in order; else of a single <recordset> CDATA."""
    blocks = _RECORD.findall(text) or _RECORDSET.findall(text)
    found: list[ListedItem] = []
    for fragment in blocks:
        found.extend(items_from_fragment(fragment, base_url))
    return found


def _int(pattern: re.Pattern[str], text: str) -> int | None:
    m = pattern.search(text)
    if not m:
        return None
    return int(next(g for g in m.groups() if g))


class HanwebListing:
    """Inline datastore records, then dataproxy.jsp pages until they run out; or a column page
    that lists its /art/ links directly, with its own 下一页 pager."""

    name = "hanweb"

    def parse(self, page: ListingPage) -> ListingResult:
        if page.page == 1 or "proxy" not in page.state:
            return self._column_page(page)
        return self._proxy_page(page)

    def _column_page(self, page: ListingPage) -> ListingResult:
        text = page.text
        items = records(text, page.url)
        has_store = "<datastore" in text or "<record>" in text
        if not items and not has_store:
            return self._direct_page(page)
        state: dict[str, Any] = {
            "per_page": _int(_PER_PAGE, text) or max(len(items), 1),
            "group": _int(_GROUP, text) or 1,
            "total": _int(_TOTAL, text),
            "fetched": len(items),
        }
        nextgroup = nextgroup_url(text, page.url)
        params = column_params(text)
        if nextgroup:
            taken = {k for k, _ in parse_qsl(urlsplit(nextgroup).query)}
            state["proxy"] = nextgroup
            state["params"] = {k: v for k, v in params.items() if k not in taken}
        elif params.get("columnid"):
            state["proxy"] = urljoin(page.url, DATAPROXY)
            state["params"] = params
        return ListingResult(items=tuple(items), follow=self._next(page, items, state))

    def _proxy_page(self, page: ListingPage) -> ListingResult:
        items = records(page.text, page.url)
        state = dict(page.state)
        state["fetched"] = state.get("fetched", 0) + len(items)
        total = _int(_TOTAL, page.text)
        if total is not None:
            state["total"] = total
        return ListingResult(items=tuple(items), follow=self._next(page, items, state))

    def _next(
        self, page: ListingPage, items: list[ListedItem], state: dict[str, Any]
    ) -> tuple[Follow, ...]:
        total = state.get("total")
        if not items or "proxy" not in state or (total is not None and state["fetched"] >= total):
            return ()
        per = state["per_page"] * state["group"]
        start = state["fetched"] + 1
        form = {
            **state["params"],
            "startrecord": str(start),
            "endrecord": str(start + per - 1),
            "perpage": str(state["per_page"]),
        }
        return (
            Follow(
                url=state["proxy"],
                page=page.page + 1,
                method="POST",
                body=urlencode(form).encode("utf-8"),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
                state=state,
            ),
        )

    def _direct_page(self, page: ListingPage) -> ListingResult:
        """A /col/ page without a datastore: its /art/ anchors, and its own pager."""
        tree = parse_html(page.text)
        if tree is None:
            return ListingResult()
        if page.url_patterns:
            chosen = list(
                detail_anchors(tree.iter("a"), base_url=page.url, url_patterns=page.url_patterns)
            )
        else:
            chosen = [
                a
                for a in tree.iter("a")
                if ART_LINK.search(urljoin(page.url, (a.get("href") or "").strip()))
                and not in_chrome(a)
            ]
        items = tuple(items_from_anchors(chosen, page.url))
        follow: tuple[Follow, ...] = ()
        if items:
            nxt = next_page_url(tree, url=page.url, page=page.page)
            if nxt:
                follow = (Follow(url=nxt, page=page.page + 1),)
        return ListingResult(items=items, follow=follow)
