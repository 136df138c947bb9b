"""Parse HTML once into the lxml tree that metadata and body extraction share."""

from __future__ import annotations

import re

import lxml.html
from lxml.etree import ParserError
from lxml.html import HtmlElement

from crawler.errors import ExtractionError

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_CLOSING_ROOT = re.compile(r"</(?:html|body)\s*>", re.IGNORECASE)
# Comments go at parse time: lxml's tree walker would drop the text that follows them.
_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False)


def remove_stray_closing_tags(html: str) -> str:
    """Drop every ``</html>`` and ``</body>`` but the last of each.

    gov.cn's header include ends in ``</html>``; lxml then files the body outside the document.

    >>> remove_stray_closing_tags("<html><p>head</p></html><div>body</div></html>")
    '<html><p>head</p><div>body</div></html>'
    """
    last: dict[str, int] = {}
    for match in _CLOSING_ROOT.finditer(html):
        last[match.group(0).lower()[2:6]] = match.start()
    if len(last) == len(_CLOSING_ROOT.findall(html)):
        return html
    return _CLOSING_ROOT.sub(
        lambda m: m.group(0) if last[m.group(0).lower()[2:6]] == m.start() else "", html
    )


def parse_document(html: str, *, url: str | None = None) -> HtmlElement:
    """The document tree of an HTML page; raises ExtractionError when there is no document."""
    html = _XML_DECLARATION.sub("", html.replace("\x00", ""), count=1)
    if not html.strip():
        raise ExtractionError(f"empty page: {url or '<input>'}")
    try:
        return lxml.html.document_fromstring(remove_stray_closing_tags(html), parser=_PARSER)
    except (ParserError, ValueError) as error:
        raise ExtractionError(f"unparsable page {url or '<input>'}: {error}") from error
