"""A Hanweb (大汉 JCMS) site: column pages with inline <datastore> records, further records
from POST /module/web/jpage/dataproxy.jsp, and /art/YYYY/M/D/art_COL_ID.html detail pages.

`dialect` picks how the column page hands out its records:
    classic     inline records; <nextgroup> href and a jpage ajaxParam both name the column
    ajax        inline records; only the jpage ajaxParam names the column (no <nextgroup>)
    encrypted   columnid/unitid are opaque tokens, found only in the <nextgroup> href's query;
                dataproxy.jsp refuses anything else, so the pager must be taken, not built
    direct      no datastore: the /col/ page lists /art/ anchors itself, 下一页 to index_N.html
    recordset   no datastore: one <recordset><![CDATA[…]]> block holds every record (CNIPA)
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote

from crawler.portal.catalogue import PortalPage
from crawler.portal.site import PortalSite, Reply, esc, paragraphs_html

DATAPROXY = "/module/web/jpage/dataproxy.jsp"
DIALECTS = ("classic", "ajax", "encrypted", "direct", "recordset")


class HanwebSite(PortalSite):
    family = "hanweb"

    def __init__(
        self,
        key: str,
        name: str,
        pages: list[PortalPage],
        *,
        column: int,
        unit: int,
        webid: int,
        per_page: int = 4,
        slogan: str = "",
        with_table: bool = False,
        dialect: str = "classic",
    ) -> None:
        super().__init__(key, name, pages)
        self.column, self.unit, self.webid, self.per_page = column, unit, webid, per_page
        self.slogan = slogan
        self.with_table = with_table
        if dialect not in DIALECTS:
            raise ValueError(f"unknown Hanweb dialect {dialect!r}; use one of {DIALECTS}")
        self.dialect = dialect
        # what an encrypted column passes instead of its ids
        self.token = f"c{column * 7919 % 100003:x}Ug%3D%3D"

    @property
    def listing_path(self) -> str:
        return f"/col/col{self.column}/index.html"

    def pattern_path(self, page: PortalPage) -> str:
        d = page.published
        return f"/art/{d.year}/{d.month}/{d.day}/art_{self.column}_{page.article_id}.html"

    def record(self, page: PortalPage) -> str:
        return (
            f'<record><![CDATA[<li><a href="{esc(self.detail_path(page))}" '
            f'title="{esc(page.title)}" target="_blank">{esc(page.title)}</a>'
            f"<span>{page.published.isoformat()}</span></li>]]></record>"
        )

    def route_listing(self, method: str, path: str, query: str, body: bytes) -> Reply | None:
        if path == self.listing_path:
            return self.html_reply(self.render_column())
        if self.dialect == "direct":
            m = re.fullmatch(rf"/col/col{self.column}/index_(\d+)\.html", path)
            if m:
                return self.html_reply(self.render_column(int(m.group(1))))
        if path == DATAPROXY and self.dialect not in ("direct", "recordset"):
            # Like a servlet's getParameter: query string and form fields alike.
            form = parse_qs(query)
            if method == "POST":
                for k, v in parse_qs(body.decode("ascii", "replace")).items():
                    form.setdefault(k, v)
            return self.dataproxy(form)
        return None

    def names_column(self, form: dict[str, list[str]]) -> bool:
        wanted = unquote(self.token) if self.dialect == "encrypted" else str(self.column)
        return wanted in form.get("columnid", [])

    def dataproxy(self, form: dict[str, list[str]]) -> Reply:
        """The jpage pager: records startrecord..endrecord of the column, as XML."""

        def number(name: str, default: int) -> int:
            try:
                return int(form.get(name, [str(default)])[0])
            except ValueError:
                return default

        if not self.names_column(form):
            return Reply(
                200,
                b"<datastore><totalrecord>0</totalrecord></datastore>",
                {"Content-Type": "text/xml; charset=utf-8"},
            )
        listed = self.listed_pages()
        start, end = number("startrecord", 1), number("endrecord", self.per_page)
        records = "".join(self.record(p) for p in listed[max(start - 1, 0) : end])
        xml = (
            f"<datastore><nextgroup><![CDATA[]]></nextgroup><recordset>{records}</recordset>"
            f"<totalrecord>{len(listed)}</totalrecord></datastore>"
        )
        return Reply(200, xml.encode("utf-8"), {"Content-Type": "text/xml; charset=utf-8"})

    def chrome_head(self, title: str, extra_meta: str = "") -> str:
        return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{esc(title)}</title>{extra_meta}
<link rel="stylesheet" href="/images/2021/css/index.css">
<script src="/module/jslib/jquery/jquery.js"></script>
</head><body>
<div class="top"><div class="w1200"><span>{esc(self.slogan)}</span>
<a href="javascript:void(0)">用户登录</a> <a href="/">网站首页</a> <a href="#">无障碍浏览</a></div></div>
<div class="header"><h1 class="logo">{esc(self.name)}</h1>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="#">机构概况</a></li>
<li><a href="{self.listing_path}">政务公开</a></li><li><a href="#">政务服务</a></li>
<li><a href="#">互动交流</a></li></ul></div>"""

    FOOTER = """<div class="footer"><p>主办单位：{name}　版权所有</p>
<p>网站标识码：6201000032　陇ICP备05000032号-1</p>
<script src="/module/jiucuo/jiucuo.js"></script></div>
<!-- Produced By 大汉网络 大汉版通发布系统 --><div class="dh">Produced By 大汉网络 大汉版通发布系统</div>
</body></html>"""

    def render_column(self, number: int = 1) -> str:
        listed = self.listed_pages()
        if self.dialect == "direct":
            return self.render_direct(listed, number)
        if self.dialect == "recordset":
            block = "".join(
                f'<li><a href="{esc(self.detail_path(p))}" title="{esc(p.title)}">{esc(p.title)}'
                f"</a><span>{p.published.isoformat()}</span></li>"
                for p in listed
            )
            lists = f'<div class="list"><recordset><![CDATA[<ul>{block}</ul>]]></recordset></div>'
            return self.column_page(lists, "")
        inline = "".join(self.record(p) for p in listed[: self.per_page])
        if self.dialect == "encrypted":
            href = (
                f"{DATAPROXY}?page=1&amp;appid=1&amp;webid={self.webid}&amp;path=/&amp;"
                f"columnid={self.token}&amp;unitid={self.token[::-1]}&amp;"
                f"webname={esc(self.name)}&amp;permissiontype=0"
            )
        else:
            href = (
                f"{DATAPROXY}?page=1&amp;webid={self.webid}&amp;path=/&amp;columnid={self.column}"
                f"&amp;unitid={self.unit}&amp;webname={esc(self.name)}&amp;permissiontype=0"
            )
        nextgroup = (
            ""
            if self.dialect == "ajax"
            else f'<nextgroup><![CDATA[<a href="{href}"></a>]]></nextgroup>\n'
        )
        ajax = (
            ""
            if self.dialect == "encrypted"
            else f"""
    ajaxParam: {{ col: 1, appid: 1, webid: {self.webid}, path: '/', columnid: {self.column},
      sourceContentType: 1, unitid: {self.unit}, webname: '{esc(self.name)}', permissiontype: 0 }}"""
        )
        lists = f"""<div class="list" id="{self.column}"><script type="text/xml"><datastore>
{nextgroup}<recordset>{inline}</recordset></datastore></script></div>"""
        script = f"""<script language="javascript" src="/module/jslib/jquery/jpage/jquery.page.min.js"></script>
<script>
$(document).ready(function(){{
  $('#{self.column}').jpage({{ dataStore: dataStore, perPage: {self.per_page}, totalRecord: {len(listed)},
    proxyUrl: '{DATAPROXY}', groupSize: 1, barPosition: 'bottom', showMode: 'full',{ajax} }});
}});
</script>"""
        return self.column_page(lists, script)

    def render_direct(self, listed: list[PortalPage], number: int) -> str:
        count = self.page_count(listed)
        chunk = self.page_chunk(listed, number)
        items = "".join(
            f'<li><a href="{esc(self.detail_path(p))}" title="{esc(p.title)}">{esc(p.title)}</a>'
            f"<span>{p.published.isoformat()}</span></li>"
            for p in chunk
        )
        nav = f'<a href="index_{number + 1}.html">下一页</a>' if number < count else ""
        return self.column_page(
            f'<div class="list"><ul>{items}</ul></div><div class="page">{nav}</div>', ""
        )

    def column_page(self, lists: str, script: str) -> str:
        return (
            self.chrome_head(f"法治政府建设 {self.name}")
            + f"""
<div class="main"><div class="position">当前位置：<a href="/">首页</a> &gt; 政务公开 &gt; 法治政府建设</div>
{lists}
{script}</div>
"""
            + self.FOOTER.format(name=esc(self.name))
        )

    def render_detail(self, page: PortalPage) -> str:
        meta = (
            f'\n<meta name="ArticleTitle" content="{esc(page.title)}">'
            f'\n<meta name="PubDate" content="{page.published.isoformat()} 09:30">'
            f'\n<meta name="ContentSource" content="{esc(page.publisher or self.name)}">'
            f'\n<meta name="ColumnName" content="法治政府建设">'
            f'\n<meta name="SiteName" content="{esc(self.name)}">'
        )
        table = ""
        if self.with_table:
            written = page.written.strftime("%Y-%m-%d") if page.written else ""
            table = f"""<table class="xxgk_article"><tr><td>索引号：</td><td>{esc(page.index_number or "")}</td>
<td>文号：</td><td>{esc(page.doc_number or "")}</td></tr><tr><td>发布机构：</td><td>{esc(page.publisher or "")}</td>
<td>成文日期：</td><td>{written}</td></tr></table>"""
        attachments = "".join(
            f'<p><a href="{esc(self.attachment_path(page, f.filename))}">{esc(f.name)}</a></p>'
            for f in page.attachments
        )
        return (
            self.chrome_head(f"{page.title}", meta)
            + f"""
<div class="main"><div class="position">当前位置：<a href="/">首页</a> &gt; 政务公开 &gt; 法治政府建设</div>
{table}
<div class="article"><h2 class="title">{esc(page.title)}</h2>
<div class="info"><span>发布日期:{page.published.isoformat()}</span>
<span>浏览次数：<!-- visitcount Begin --><iframe src="/module/visitcount/visit.jsp?type=3&amp;i_webid={self.webid}&amp;i_columnid={self.column}&amp;i_articleid={page.article_id}" width="40" height="20"></iframe><!-- visitcount End --></span>
<span>【字体：<a href="javascript:doZoom(20)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(12)">小</a>】</span></div>
<div id="zoom">
{paragraphs_html(page.paragraphs)}
</div>
{('<div class="fujian"><p>相关附件：</p>' + attachments + "</div>") if attachments else ""}
<div class="share">分享到：<div class="bdsharebuttonbox"><a class="bds_weixin">微信</a><a class="bds_tsina">微博</a></div></div>
<div class="btns"><a href="javascript:window.print()">打印本页</a> <a href="javascript:window.close()">关闭窗口</a></div>
</div></div>
"""
            + self.FOOTER.format(name=esc(self.name))
        )
