"""Listing shells: column pages whose items are filled in by script from an API, so the HTML
holds none (new Hanweb jpaas, Vue/art-template apps behind 瑞数, …; corpus/listings/*-shell).

A shell is reported on the run, never archived. Markers are data.
"""

from __future__ import annotations

import re

# Client-side templates and loaders that fill a list in the browser.
TEMPLATE_MARKERS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bloadPageData\s*\("), "loadPageData() (new Hanweb jpaas)"),
    (re.compile(r"text/x-handlebars-template|\{\{#each\b"), "a Handlebars template"),
    (re.compile(r"\bv-for\s*="), "a Vue template"),
    (re.compile(r"\{\{\s*each\b|\{\{\s*\$value"), "an art-template template"),
    (re.compile(r"\bms-(?:for|repeat)\s*="), "an avalon template"),
    (re.compile(r"\bng-repeat\s*="), "an AngularJS template"),
    (re.compile(r"window\._CONFIG\s*="), "the gkmlpt platform's window._CONFIG"),
)
# String literals in scripts that look like the list's data endpoint.
_API = re.compile(
    r"""['"](/[\w\-./]*?(?:api|search|query|list|data|jpaas|getJson|\.do)[\w\-./]*)"""
    r"""(?:\?[^'"]*)?['"]""",
    re.I,
)
_NOT_API = re.compile(r"\.(?:js|css|png|jpe?g|gif|svg|ico|html?|shtml)$", re.I)
_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script>", re.S | re.I)
_RUISHU = re.compile(r"\$_ts\s*=|<script[^>]*\br=['\"]m['\"]")
_PARAMS = re.compile(r"\b(unitid|channelCode|webSiteCode|columnid)\s*:\s*\[?\s*'([^']+)'")


def api_paths(text: str) -> list[str]:
    """Data endpoints named in a page's inline scripts, in order, without duplicates.

    >>> api_paths("<script>axios.post('/datasearch/data/nmpadata/search', {})</script>")
    ['/datasearch/data/nmpadata/search']
    """
    found: list[str] = []
    for script in _SCRIPT.findall(text):
        for path in _API.findall(script):
            if not _NOT_API.search(path) and path not in found:
                found.append(path)
    return found


def shell_reason(text: str) -> str | None:
    """Why a listing page with no items is a shell, naming where its items come from; None
    when nothing says the items load by script.

    >>> print(shell_reason("<script>axios.get('/api/list?page=1')</script><li v-for='x in xs'>"))
    listing holds no items; the site loads them by script from /api/list (a Vue template)
    >>> shell_reason("<ul><li>nothing to see</li></ul>") is None
    True
    """
    engines = [label for pattern, label in TEMPLATE_MARKERS if pattern.search(text)]
    if not engines:
        return None
    apis = api_paths(text)
    origin = ", ".join(apis[:3]) if apis else engines[0]
    details = [e for e in engines if e != origin][:2]
    params = [f"{k} '{v}'" for k, v in _PARAMS.findall(text)][:2]
    if params and not apis:
        details = [*details[:1], *params] if details else params
    if _RUISHU.search(text):
        details.append("the site is behind 瑞数 (Ruishu)")
    extra = f" ({'; '.join(details)})" if details else ""
    return f"listing holds no items; the site loads them by script from {origin}{extra}"
