"""Find the files a report links to (PDF, Word, WPS, OFD, spreadsheets, archives)."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

from lxml.html import HtmlElement

from crawler.extract.render import has_hidden_ancestor, normalize_line

ATTACHMENT_SUFFIXES: tuple[str, ...] = (
    ".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".ofd", ".zip", ".et", ".rar", ".7z",
)  # fmt: skip

# Download scripts that serve a file named in the query (Hanweb's downfile.jsp and kin).
DOWNLOAD_SCRIPT = re.compile(r"(?:^|/)down(?:load)?(?:file)?\.(?:jsp|aspx?|php|do)$", re.I)
DOWNLOAD_PARAMS: tuple[str, ...] = ("filename", "file", "name", "downfile", "fname")

# Blocks outside the body that hold a page's attachment list (附件下载, 相关附件).
ATTACHMENT_BLOCK_MARKERS: tuple[str, ...] = ("attach", "fujian", "xgfj", "appendix", "download")
# Outside a known container, links in these blocks are site furniture, not the report's files.
FURNITURE_MARKERS: tuple[str, ...] = ("nav", "header", "footer", "foot", "menu", "link", "side")


@dataclass(frozen=True)
class Attachment:
    """A file linked from a report."""

    name: str
    url: str  # absolute when a base URL is known


def is_attachment_url(href: str) -> bool:
    """True when the URL's path ends in an attachment suffix, or the path is a download
    script whose file-name parameter does (the query alone never counts otherwise).

    >>> is_attachment_url("/files/报告.PDF"), is_attachment_url("a.ofd?v=2")
    (True, True)
    >>> is_attachment_url("ItemDetail.html?docId=1170162"), is_attachment_url("/doc/index.html")
    (False, False)
    >>> is_attachment_url("/module/download/downfile.jsp?classid=0&filename=2403.pdf")
    True
    >>> is_attachment_url("/module/download/downfile.jsp?classid=0&showname=x.html")
    False
    """
    parts = urlsplit(href)
    if parts.path.lower().endswith(ATTACHMENT_SUFFIXES):
        return True
    if not DOWNLOAD_SCRIPT.search(parts.path):
        return False
    return any(
        key.lower() in DOWNLOAD_PARAMS and value.lower().endswith(ATTACHMENT_SUFFIXES)
        for key, value in parse_qsl(parts.query)
    )


def _marked(element: HtmlElement, markers: tuple[str, ...]) -> bool:
    for node in (element, *element.iterancestors()):
        if not isinstance(node.tag, str):
            continue
        if node.tag in markers:
            return True
        names = f"{node.get('class', '')} {node.get('id', '')}".lower()
        if names.strip() and any(marker in names for marker in markers):
            return True
    return False


def find_base_url(root: HtmlElement, url: str | None) -> str | None:
    """The page's own ``<base href>`` resolved against its URL, else the URL."""
    for href in root.xpath("//head/base/@href"):
        return urljoin(url or "", href.strip())
    return url


def find_attachments(
    root: HtmlElement, *, container: HtmlElement | None, base_url: str | None
) -> tuple[Attachment, ...]:
    """Attachment links in the body container and in attachment blocks, in page order.

    Without a container every visible attachment link outside navigation, headers and footers
    counts.
    """
    found: dict[str, Attachment] = {}
    for link in root.iter("a"):
        href = (link.get("href") or "").strip()
        if (
            not href
            or href.startswith(("javascript:", "mailto:", "#"))
            or not is_attachment_url(href)
        ):
            continue
        if container is not None:
            inside = container in (link, *link.iterancestors())
            if not inside and not _marked(link, ATTACHMENT_BLOCK_MARKERS):
                continue
        elif _marked(link, FURNITURE_MARKERS):
            continue
        if has_hidden_ancestor(link):
            continue
        url = urljoin(base_url, href) if base_url else href
        name = normalize_line(link.text_content()) or normalize_line(link.get("title") or "")
        name = name or unquote(posixpath.basename(urlsplit(href).path))
        found.setdefault(url, Attachment(name=name, url=url))
    return tuple(found.values())
