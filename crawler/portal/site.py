"""What every portal site shares: pages, routing of detail and attachment URLs, withdrawals,
conditional GET and robots.txt. Each CMS family renders its own listing and detail HTML."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from email.utils import format_datetime

from crawler.portal.catalogue import PortalPage

ROBOTS = "User-agent: *\nDisallow: /private/\n"


@dataclass
class Reply:
    """An HTTP response the portal sends."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def paragraphs_html(paragraphs: list[str]) -> str:
    """Body paragraphs as CMS editors emit them; signature lines right-aligned."""
    out = []
    for line in paragraphs:
        right = len(line) < 20 and (line.endswith("日") or line.endswith("局") or "厅" in line)
        style = "text-align:right" if right else "text-indent:2em"
        out.append(f'<p style="{style}">{esc(line).replace("  ", "&nbsp;&nbsp;")}</p>')
    return "\n".join(out)


SOFT_404 = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>页面不存在</title></head>
<body><div class="error"><h2>您访问的页面不存在或已删除！</h2>
<p><a href="/">返回首页</a></p></div></body></html>"""


class PortalSite(ABC):
    """One government site on its own loopback port."""

    family: str = "generic"
    encoding: str = "utf-8"
    # Content-Type charset sent in the header; None sends none (as many TRS sites do).
    header_charset: str | None = "utf-8"

    def __init__(self, key: str, name: str, pages: list[PortalPage]) -> None:
        self.key = key
        self.name = name
        self.pages = sorted(pages, key=lambda p: p.published, reverse=True)
        self.requests: list[str] = []
        self.modified = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)

    # -- what subclasses define ------------------------------------------------------

    @property
    @abstractmethod
    def listing_path(self) -> str:
        """Path of the first listing page (the seed's start URL)."""

    @abstractmethod
    def detail_path(self, page: PortalPage) -> str:
        """Path of a page's detail URL."""

    @abstractmethod
    def render_detail(self, page: PortalPage) -> str:
        """Detail page HTML."""

    @abstractmethod
    def route_listing(self, method: str, path: str, query: str, body: bytes) -> Reply | None:
        """Answer a listing or pager request, or None if the path isn't one."""

    # -- shared behaviour ------------------------------------------------------------

    def listed_pages(self) -> list[PortalPage]:
        return [p for p in self.pages if p.listed and p.state == "live"]

    def page(self, key: str) -> PortalPage:
        for page in self.pages:
            if page.key == key:
                return page
        raise KeyError(f"site {self.key} has no page {key!r}")

    def attachment_path(self, page: PortalPage, filename: str) -> str:
        base = self.detail_path(page).rsplit("/", 1)[0]
        return f"{base}/files/{filename}"

    def encode(self, text: str) -> bytes:
        # Real GBK sites write what GBK lacks (no-break spaces, rare characters) as entities.
        return text.encode(self.encoding, "xmlcharrefreplace")

    def html_reply(self, text: str, *, headers: dict[str, str] | None = None) -> Reply:
        ctype = "text/html" + (f"; charset={self.header_charset}" if self.header_charset else "")
        return Reply(200, self.encode(text), {"Content-Type": ctype, **(headers or {})})

    def home(self) -> str:
        items = "".join(
            f'<li><a href="{esc(self.detail_path(p))}">{esc(p.title)}</a></li>'
            for p in self.listed_pages()[:3]
        )
        return (
            f'<!DOCTYPE html><html><head><meta charset="{self.encoding}">'
            f"<title>{esc(self.name)}</title></head><body><h1>{esc(self.name)}</h1>"
            f'<a href="{esc(self.listing_path)}">政府信息公开</a><ul>{items}</ul></body></html>'
        )

    def handle(
        self, method: str, path: str, query: str, body: bytes, headers: dict[str, str]
    ) -> Reply:
        """Route one request."""
        self.requests.append(path + (f"?{query}" if query else ""))
        if path == "/robots.txt":
            return Reply(200, ROBOTS.encode(), {"Content-Type": "text/plain"})
        if path in ("/", "/index.html"):
            return self.html_reply(self.home())
        listing = self.route_listing(method, path, query, body)
        if listing is not None:
            return listing
        for page in self.pages:
            if path == self.detail_path(page):
                return self.detail_reply(page, headers)
            for f in page.attachments:
                if path == self.attachment_path(page, f.filename):
                    return Reply(200, f.data, {"Content-Type": f.content_type})
        return Reply(
            404, b"<html><body><h1>404 Not Found</h1></body></html>", {"Content-Type": "text/html"}
        )

    def detail_reply(self, page: PortalPage, headers: dict[str, str]) -> Reply:
        """A detail page, honouring withdrawals and conditional GET."""
        if page.state in ("404", "410"):
            return Reply(
                int(page.state),
                b"<html><body>Not Found</body></html>",
                {"Content-Type": "text/html"},
            )
        if page.state == "soft404":
            return Reply(
                200, SOFT_404.encode("utf-8"), {"Content-Type": "text/html; charset=utf-8"}
            )
        if page.state == "home-redirect":
            return Reply(302, b"", {"Location": "/"})
        body = self.encode(self.render_detail(page))
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        validators = {"ETag": etag, "Last-Modified": format_datetime(self.modified, usegmt=True)}
        if headers.get("if-none-match") == etag:
            return Reply(304, b"", validators)
        reply = self.html_reply("", headers=validators)
        reply.body = body
        return reply
