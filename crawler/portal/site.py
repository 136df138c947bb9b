"""What every portal site shares: pages, routing of detail and attachment URLs, withdrawals,
conditional GET, robots.txt, injected faults and a log of what was asked. Each CMS family
renders its own listing and detail HTML."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from email.utils import format_datetime

from crawler.portal.catalogue import PortalPage
from crawler.portal.faults import SOFT_404, Fault, fault_reply

ROBOTS = "User-agent: *\nDisallow: /private/\n"


@dataclass
class Reply:
    """An HTTP response the portal sends, and how badly (for injected faults)."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (outside the portal lock)
    truncate_to: int | None = None  # send this many bytes of the body, then hang up
    no_length: bool = False  # no Content-Length: the body ends when the connection closes
    hang_up: bool = False  # close the connection without any answer


@dataclass(frozen=True)
class Hit:
    """One request a site received."""

    method: str
    path: str
    headers: dict[str, str]
    status: int


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


class PortalSite(ABC):
    """One government site on its own loopback port."""

    family: str = "generic"
    encoding: str = "utf-8"
    # Content-Type charset sent in the header; None sends none (as many TRS sites do).
    header_charset: str | None = "utf-8"
    # ETag/Last-Modified on detail pages; False serves them bare, as many old CMSs do.
    send_validators: bool = True

    def __init__(self, key: str, name: str, pages: list[PortalPage]) -> None:
        self.key = key
        self.name = name
        self.pages = sorted(pages, key=lambda p: p.published, reverse=True)
        self.requests: list[str] = []
        self.hits: list[Hit] = []
        self.faults: dict[str, Fault] = {}
        # requests being answered right now, and the most there ever were at once
        self.in_flight = 0
        self.max_in_flight = 0
        self.modified = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)

    # -- what subclasses define ------------------------------------------------------

    @property
    @abstractmethod
    def listing_path(self) -> str:
        """Path of the first listing page (the seed's start URL)."""

    @abstractmethod
    def pattern_path(self, page: PortalPage) -> str:
        """Path of a page's detail URL in this site's URL pattern."""

    def detail_path(self, page: PortalPage) -> str:
        """Path of a page's detail URL: its own, or the site's pattern."""
        return page.path or self.pattern_path(page)

    @abstractmethod
    def render_detail(self, page: PortalPage) -> str:
        """Detail page HTML."""

    @abstractmethod
    def route_listing(self, method: str, path: str, query: str, body: bytes) -> Reply | None:
        """Answer a listing or pager request, or None if the path isn't one."""

    # -- shared behaviour ------------------------------------------------------------

    per_page: int = 4

    def page_count(self, listed: list[PortalPage]) -> int:
        """How many listing pages the listed items fill (at least one)."""
        return max(1, -(-len(listed) // self.per_page))

    def page_chunk(self, listed: list[PortalPage], number: int) -> list[PortalPage]:
        """The items of listing page `number`, counted from 1."""
        return listed[(number - 1) * self.per_page : number * self.per_page]

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

    def fault_for(self, path: str) -> Fault | None:
        """The fault injected on a path (exact, or a prefix ending in *), if any is armed."""
        for pattern, fault in self.faults.items():
            hit = path == pattern or (pattern.endswith("*") and path.startswith(pattern[:-1]))
            if hit and fault.armed():
                return fault
        return None

    def handle(
        self, method: str, path: str, query: str, body: bytes, headers: dict[str, str]
    ) -> Reply:
        """Route one request, and log it."""
        full = path + (f"?{query}" if query else "")
        self.requests.append(full)
        reply = self._route(method, path, query, body, headers)
        self.hits.append(Hit(method=method, path=full, headers=headers, status=reply.status))
        return reply

    def _route(
        self, method: str, path: str, query: str, body: bytes, headers: dict[str, str]
    ) -> Reply:
        fault = self.fault_for(path) if path != "/robots.txt" else None
        if fault is not None:
            fault.used += 1
            # What the fault spoils is the full page, never a 304.
            plain = {k: v for k, v in headers.items() if not k.startswith("if-")}
            normal = self._route_normally(method, path, query, body, plain)
            return fault_reply(fault, normal=normal, path=path)
        return self._route_normally(method, path, query, body, headers)

    def _route_normally(
        self, method: str, path: str, query: str, body: bytes, headers: dict[str, str]
    ) -> Reply:
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
            text = SOFT_404.format(message=page.gone_message)
            return Reply(200, text.encode("utf-8"), {"Content-Type": "text/html; charset=utf-8"})
        if page.state == "home-redirect":
            return Reply(302, b"", {"Location": "/"})
        body = self.encode(self.render_detail(page))
        if not self.send_validators:
            reply = self.html_reply("")
            reply.body = body
            return reply
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        validators = {"ETag": etag, "Last-Modified": format_datetime(self.modified, usegmt=True)}
        if headers.get("if-none-match") == etag:
            return Reply(304, b"", validators)
        reply = self.html_reply("", headers=validators)
        reply.body = body
        return reply
