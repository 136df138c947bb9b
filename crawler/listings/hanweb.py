"""Hanweb (大汉 JCMS) column pages.

The first records sit inline in `<script type="text/xml"><datastore>…<record><![CDATA[…]]>`;
the rest come from POST /module/web/jpage/dataproxy.jsp with startrecord/endrecord/perpage
and the column's own parameters (columnid, unitid, webid, …) read from the page.
"""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from crawler.listings.base import Follow, ListedItem, ListingPage, ListingResult
from crawler.listings.fragments import items_from_fragment

DATAPROXY = "/module/web/jpage/dataproxy.jsp"
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
_NEXTGROUP = re.compile(
    r"<nextgroup>\s*<!\[CDATA\[.*?href=[\"']([^\"']*dataproxy\.jsp[^\"']*)", re.S
)
_PARAM = re.compile(
    r"""\b(col|appid|webid|path|columnid|sourceContentType|unitid|webname|permissiontype)
        \s*[:=]\s*['"]?([^'",}\s&]*)""",
    re.X,
)
_PER_PAGE = re.compile(r"\bperPage\s*[:=]\s*['\"]?(\d+)", re.I)
_TOTAL = re.compile(r"\btotalRecord\s*[:=]\s*['\"]?(\d+)|<totalrecord>\s*(\d+)", re.I)


def column_params(text: str) -> dict[str, str]:
    """The jpage parameters a column page passes to dataproxy.jsp.

    >>> column_params("ajaxParam: { col: 1, webid: 21, columnid: 2506, unitid: 7681 }")
    {'col': '1', 'webid': '21', 'columnid': '2506', 'unitid': '7681'}
    """
    params: dict[str, str] = {}
    for match in _NEXTGROUP.finditer(text):
        query = urlsplit(html.unescape(match.group(1))).query
        params.update((k, v) for k, v in parse_qsl(query) if k in _PARAM_NAMES)
    for name, value in _PARAM.findall(text):
        params.setdefault(name, html.unescape(value))
    return params


_PARAM_NAMES = {
    "col",
    "appid",
    "webid",
    "path",
    "columnid",
    "sourceContentType",
    "unitid",
    "webname",
    "permissiontype",
}


def records(text: str, base_url: str) -> list[ListedItem]:
    """Items of every <record> CDATA block, in order."""
    found: list[ListedItem] = []
    for fragment in _RECORD.findall(text):
        found.extend(items_from_fragment(fragment, base_url))
    return found


class HanwebListing:
    """Inline datastore records, then dataproxy.jsp pages until they run out."""

    name = "hanweb"

    def parse(self, page: ListingPage) -> ListingResult:
        items = tuple(records(page.text, page.url))
        state = dict(page.state)
        if page.page == 1:
            params = column_params(page.text)
            per_page = _PER_PAGE.search(page.text)
            total = _TOTAL.search(page.text)
            state = {
                "params": params,
                "per_page": int(per_page.group(1)) if per_page else max(len(items), 1),
                "total": int(total.group(1) or total.group(2)) if total else None,
                "fetched": len(items),
                "proxy": urljoin(page.url, DATAPROXY),
            }
            if not items and "columnid" not in params:
                return ListingResult()
        else:
            state["fetched"] = state.get("fetched", 0) + len(items)
        follow: tuple[Follow, ...] = ()
        total = state.get("total")
        more = bool(items) and (total is None or state["fetched"] < total)
        if more and page.page < page.max_pages and state.get("params", {}).get("columnid"):
            per = state["per_page"]
            start = state["fetched"] + 1
            form = {
                **state["params"],
                "startrecord": str(start),
                "endrecord": str(start + per - 1),
                "perpage": str(per),
            }
            follow = (
                Follow(
                    url=state["proxy"],
                    page=page.page + 1,
                    method="POST",
                    body=urlencode(form).encode("utf-8"),
                    headers={"Content-Type": "application/x-www-form-urlencoded"},
                    state=state,
                ),
            )
        return ListingResult(items=items, follow=follow)
