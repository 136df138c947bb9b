"""The local government portal: several CMS-shaped sites, each on its own loopback port.

`gongkai demo` and the tests crawl it over real HTTP. Tests change it between crawls through
this object (edit, withdraw, restore, add); other processes can use the /_portal/ control
endpoints of any site.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from crawler.portal.catalogue import PortalFile, PortalPage, make_notices, report_text
from crawler.portal.faults import Fault
from crawler.portal.files import make_docx, make_pdf
from crawler.portal.generic_site import GuangxiSite, PostIdSite
from crawler.portal.hanweb_site import HanwebSite
from crawler.portal.site import PortalSite, Reply
from crawler.portal.trs_site import TrsSite

FZZF = "法治政府建设年度报告"


def build_sites() -> list[PortalSite]:
    """The portal's five sites, each with one example report and its notices."""
    lanzhou = PortalPage(
        key="report",
        title="兰州市民政局关于2023年法治政府建设情况的报告",
        published=dt.date(2024, 2, 2),
        paragraphs=report_text("lanzhou-2023-fzzf"),
        doc_number="兰民字〔2024〕8号",
        publisher="兰州市民政局",
        report_kind=FZZF,
        report_year=2023,
        article_id=1318264,
    )
    weihai = PortalPage(
        key="report",
        title="威海市民政局2020年法治政府建设工作情况报告",
        published=dt.date(2021, 1, 4),
        paragraphs=report_text("weihai-2020-fzzf"),
        index_number="11371000004262540L/2021-00012",
        publisher="威海市民政局",
        written=dt.date(2020, 12, 30),
        report_kind=FZZF,
        report_year=2020,
        article_id=2506279,
    )
    jinzhong = PortalPage(
        key="report",
        title="晋中市民政局2021年法治政府建设情况报告",
        published=dt.date(2022, 3, 7),
        paragraphs=report_text("jinzhong-2021-fzzf"),
        index_number="jz-mzj-2022-00068",
        report_kind=FZZF,
        report_year=2021,
        article_id=3456789,
    )
    guangxi = PortalPage(
        key="report",
        title="自治区民政厅关于印发落实广西法治政府建设实施方案(2021—2025年)工作方案的通知",
        published=dt.date(2022, 4, 15),
        paragraphs=report_text("guangxi-2022-fzzf-plan"),
        doc_number="桂民发〔2022〕7号",
        publisher="广西壮族自治区民政厅",
        article_id=2158134,
    )
    guangxi.attachments = [
        PortalFile(
            "自治区民政厅落实广西法治政府建设实施方案工作方案.docx",
            "gzfa.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            make_docx(guangxi.paragraphs[:3]),
        ),
        PortalFile(
            "任务分工表.pdf",
            "rwfg.pdf",
            "application/pdf",
            make_pdf(["Task allocation table", "31 tasks, 12 lead units"]),
        ),
    ]
    luohu = PortalPage(
        key="report",
        title="深圳市罗湖区民政局2024年法治政府建设年度报告",
        published=dt.date(2025, 1, 15),
        paragraphs=report_text("luohu-2024-fzzf"),
        publisher="深圳市罗湖区民政局",
        report_kind=FZZF,
        report_year=2024,
        article_id=11926207,
    )
    return [
        HanwebSite(
            "lanzhou-mzj",
            "兰州市民政局",
            [lanzhou, *make_notices("兰州市民政局", seed=1, first_article_id=1318300)],
            column=2506,
            unit=7681,
            webid=21,
            slogan="民政为民 民政爱民",
        ),
        HanwebSite(
            "weihai-mzj",
            "威海市民政局",
            [weihai, *make_notices("威海市民政局", seed=2, first_article_id=2506300)],
            column=19396,
            unit=45012,
            webid=37,
            with_table=True,
        ),
        TrsSite(
            "jinzhong-mzj",
            "晋中市民政局",
            [jinzhong, *make_notices("晋中市民政局", seed=3, first_article_id=3456800)],
            column_path="/zwgk/zfxxgkml/fzzfjs/",
        ),
        GuangxiSite(
            "gx-mzt",
            "广西壮族自治区民政厅",
            [guangxi, *make_notices("广西壮族自治区民政厅", seed=4, first_article_id=2158200)],
            column_path="/xxgk/fzzfjs/",
        ),
        PostIdSite(
            "luohu-mzj",
            "深圳市罗湖区民政局",
            [luohu, *make_notices("深圳市罗湖区民政局", seed=5, first_article_id=11926300)],
            column_path="/zwgk/fzzfjsbg/",
        ),
    ]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _SiteServer

    def _serve(self, method: str) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        site = self.server.site
        with self.server.portal.lock:
            site.in_flight += 1
            site.max_in_flight = max(site.max_in_flight, site.in_flight)
        try:
            if parts.path.startswith("/_portal/"):
                reply = self.server.portal.control(parts.path, body)
            else:
                try:
                    with self.server.portal.lock:
                        reply = site.handle(method, parts.path, parts.query, body, headers)
                except Exception as exc:  # a portal bug must show as a 500, not a dropped socket
                    reply = Reply(
                        500, f"portal error: {exc!r}".encode(), {"Content-Type": "text/plain"}
                    )
            if reply.delay:
                time.sleep(reply.delay)  # outside the lock: other requests go on meanwhile
            self._send(method, reply)
        finally:
            with self.server.portal.lock:
                site.in_flight -= 1

    def _send(self, method: str, reply: Reply) -> None:
        if reply.hang_up:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.no_length:
            self.send_header("Connection", "close")
            self.close_connection = True
        else:
            self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if method == "HEAD":
            return
        if reply.truncate_to is not None:
            self.wfile.write(reply.body[: reply.truncate_to])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.wfile.write(reply.body)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_HEAD(self) -> None:
        self._serve("HEAD")

    def log_message(self, format: str, *args: object) -> None:
        pass  # the portal is quiet; tests read site.requests instead


class _SiteServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, portal: Portal, site: PortalSite, port: int) -> None:
        self.portal, self.site = portal, site
        super().__init__(("127.0.0.1", port), _Handler)


class Portal:
    """The running portal. Use as a context manager, or start() and stop()."""

    def __init__(self, sites: list[PortalSite] | None = None) -> None:
        self.sites = {s.key: s for s in (sites if sites is not None else build_sites())}
        self.lock = threading.RLock()
        self._servers: dict[str, _SiteServer] = {}
        self._threads: list[threading.Thread] = []
        self._running = False

    def start(self, ports: dict[str, int] | None = None) -> Portal:
        """Bind every site to a free (or given) loopback port and serve in threads."""
        self._running = True
        for key, site in self.sites.items():
            self._serve_site(site, (ports or {}).get(key, 0))
        return self

    def _serve_site(self, site: PortalSite, port: int = 0) -> None:
        server = _SiteServer(self, site, port)
        self._servers[site.key] = server
        thread = threading.Thread(
            target=server.serve_forever, name=f"portal-{site.key}", daemon=True
        )
        thread.start()
        self._threads.append(thread)

    def add_site(self, site: PortalSite) -> PortalSite:
        """Publish one more site (served at once if the portal is running); returns it."""
        with self.lock:
            if site.key in self.sites:
                raise ValueError(f"the portal already has a site {site.key!r}")
            self.sites[site.key] = site
        if self._running:
            self._serve_site(site)
        return site

    def stop(self) -> None:
        self._running = False
        for server in self._servers.values():
            server.shutdown()
            server.server_close()
        self._servers.clear()

    def __enter__(self) -> Portal:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # -- addresses and seeds ---------------------------------------------------------

    def base_url(self, site: str) -> str:
        return f"http://127.0.0.1:{self._servers[site].server_address[1]}"

    def url(self, site: str, path: str) -> str:
        return self.base_url(site) + path

    def listing_url(self, site: str) -> str:
        return self.url(site, self.sites[site].listing_path)

    def page_url(self, site: str, key: str) -> str:
        s = self.sites[site]
        return self.url(site, s.detail_path(s.page(key)))

    def seed(self, site: str, **overrides: object) -> dict[str, object]:
        """A seed-file mapping for one site."""
        s = self.sites[site]
        data: dict[str, object] = {
            "id": s.key,
            "name": s.name,
            "start_urls": [self.listing_url(site)],
            "cms": s.family,
            "delay": 0,
            "robots": True,
        }
        data.update(overrides)
        return {k: v for k, v in data.items() if v is not None}

    def write_seeds(self, folder: Path, **overrides: object) -> Path:
        """Write one seed file per site into a folder; returns the folder."""
        folder.mkdir(parents=True, exist_ok=True)
        for key in self.sites:
            text = yaml.safe_dump(self.seed(key, **overrides), allow_unicode=True, sort_keys=False)
            (folder / f"{key}.yaml").write_text(text, encoding="utf-8")
        return folder

    # -- what is published -----------------------------------------------------------

    def pages(self) -> Iterator[tuple[PortalSite, PortalPage]]:
        for site in self.sites.values():
            for page in site.pages:
                yield site, page

    def page(self, site: str, key: str) -> PortalPage:
        return self.sites[site].page(key)

    # -- changes between crawls ------------------------------------------------------

    def edit(self, site: str, key: str, old: str, new: str) -> None:
        """Replace text in a page's body (a quiet edit)."""
        with self.lock:
            page = self.page(site, key)
            joined = page.text
            if old not in joined:
                raise ValueError(f"{site}/{key} does not contain {old!r}")
            page.paragraphs = joined.replace(old, new, 1).split("\n")

    def redate(self, site: str, key: str, published: dt.date) -> None:
        """Change a page's 发布日期 and nothing else (a quiet backdating)."""
        with self.lock:
            self.page(site, key).published = published

    def withdraw(
        self, site: str, key: str, how: str = "404", *, message: str | None = None
    ) -> None:
        """Take a page down: 404, 410, soft404 (200 with 页面不存在) or home-redirect.

        `message` is what a soft 404 says (default 您访问的页面不存在或已删除！).
        """
        if how not in ("404", "410", "soft404", "home-redirect"):
            raise ValueError(f"unknown withdrawal {how!r}")
        with self.lock:
            page = self.page(site, key)
            page.state, page.listed = how, False
            if message:
                page.gone_message = message

    def restore(self, site: str, key: str) -> None:
        with self.lock:
            page = self.page(site, key)
            page.state, page.listed = "live", True

    def add(self, site: str, page: PortalPage) -> None:
        """Publish a new page at the top of a site's listing."""
        with self.lock:
            self.sites[site].pages.insert(0, page)

    def unlist(self, site: str, key: str) -> None:
        """Drop a page from its listing while its own URL still answers (an item falls off)."""
        with self.lock:
            self.page(site, key).listed = False

    def fault(self, site: str, path: str, kind: str, **params: object) -> Fault:
        """Make a path of a site misbehave (see crawler.portal.faults); `path` may end in *."""
        fault = Fault(kind, **params)  # type: ignore[arg-type]
        with self.lock:
            self.sites[site].faults[path] = fault
        return fault

    def clear_faults(self, site: str) -> None:
        with self.lock:
            self.sites[site].faults.clear()

    def control(self, path: str, body: bytes) -> Reply:
        """/_portal/{edit,withdraw,restore,fault,clear,state}, for processes without this object."""
        try:
            args = json.loads(body or b"{}")
            action = path.removeprefix("/_portal/")
            if action == "edit":
                self.edit(args["site"], args["key"], args["old"], args["new"])
            elif action == "withdraw":
                self.withdraw(args["site"], args["key"], args.get("how", "404"))
            elif action == "restore":
                self.restore(args["site"], args["key"])
            elif action == "fault":
                params = {k: v for k, v in args.items() if k not in ("site", "path", "kind")}
                self.fault(args["site"], args["path"], args["kind"], **params)
            elif action == "clear":
                self.clear_faults(args["site"])
            elif action != "state":
                return Reply(404, b'{"error": "unknown action"}')
            state = {f"{s.key}/{p.key}": p.state for s, p in self.pages()}
            return Reply(200, json.dumps(state).encode(), {"Content-Type": "application/json"})
        except (KeyError, ValueError, TypeError) as exc:
            return Reply(
                400, json.dumps({"error": str(exc)}).encode(), {"Content-Type": "application/json"}
            )
