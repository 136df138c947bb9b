"""A TRS WCM (拓尔思) site, GBK-encoded as older municipal sites are: index.html, index_1.html,
… pages driven by createPageHTML(), relative ./YYYYMM/tYYYYMMDD_ID.html links, a 信息公开
metadata table and a div.TRS_Editor body. The header sends no charset; the page declares
gb2312 in its <meta>, and is really GBK (so it must be decoded as GB18030).

`call` picks the createPageHTML dialect: "pages" (count, index, "index", "html"), "records"
(records, count, index, "index", "html") or "six" ('page_div', count, page, 'index', 'html',
records) with a 1-based page, as on the Gansu platform. `commented` wraps the list and the
call in an HTML comment, as corpus/listings/gansu-jyt-list does."""

from __future__ import annotations

import re

from crawler.portal.catalogue import PortalPage
from crawler.portal.site import PortalSite, Reply, esc, paragraphs_html


class TrsSite(PortalSite):
    family = "trs"
    encoding = "gbk"
    header_charset = None

    def __init__(
        self,
        key: str,
        name: str,
        pages: list[PortalPage],
        *,
        column_path: str,
        per_page: int = 4,
        call: str = "pages",
        commented: bool = False,
    ) -> None:
        super().__init__(key, name, pages)
        self.column_path = column_path.rstrip("/") + "/"
        self.per_page = per_page
        if call not in ("pages", "records", "six"):
            raise ValueError(f"unknown createPageHTML dialect {call!r}")
        self.call, self.commented = call, commented

    @property
    def listing_path(self) -> str:
        return self.column_path + "index.html"

    def pattern_path(self, page: PortalPage) -> str:
        d = page.published
        return f"{self.column_path}{d:%Y%m}/t{d:%Y%m%d}_{page.article_id}.html"

    def route_listing(self, method: str, path: str, query: str, body: bytes) -> Reply | None:
        if not path.startswith(self.column_path):
            return None
        rest = path[len(self.column_path) :]
        m = re.fullmatch(r"index(?:_(\d+))?\.html", rest)
        if not m:
            return None
        index = int(m.group(1) or 0)
        if self.call == "six" and index:
            index -= 1  # index_2.html is the second page
            if index == 0:
                return None  # there is no index_1.html in the 1-based dialect
        listed = self.listed_pages()
        count = self.page_count(listed)
        if index >= count:
            return Reply(404, b"<html><body>404</body></html>", {"Content-Type": "text/html"})
        return self.html_reply(self.render_list(listed, index, count))

    def head(self, title: str) -> str:
        return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />
<title>{esc(title)}</title>
<script type="text/javascript" src="../../images/page.js"></script>
</head><body>
<div class="head"><div class="logo">{esc(self.name)}</div><div class="xxgk">政府信息公开</div>
<div class="search"><input type="text" value="" /> <a href="#">全文检索</a></div></div>"""

    FOOT = """<div class="foot"><p>主办：{name}　网站标识码：1407000017</p><p>晋ICP备05003011号</p></div>
<div class="login_box" style="display:none"><span class="close">×</span><h3>用户登录</h3></div>
</body></html>"""

    def render_list(self, listed: list[PortalPage], index: int, count: int) -> str:
        chunk = self.page_chunk(listed, index + 1)
        items = "\n".join(
            f'<li><span class="date">{p.published.isoformat()}</span>'
            f'<a href="./{self.detail_path(p)[len(self.column_path) :]}" target="_blank" '
            f'title="{esc(p.title)}">{esc(p.title)}</a></li>'
            for p in chunk
        )
        if self.call == "pages":
            call = f'createPageHTML({count}, {index}, "index", "html");'
        elif self.call == "records":
            call = f'createPageHTML({len(listed)}, {count}, {index}, "index", "html");'
        else:
            call = f"createPageHTML('page_div',{count}, {index + 1},'index','html',{len(listed)});"
        script = f"""<script type="text/javascript">
var currentPage = {index};
var countPage = {count};
{call}
</script>"""
        inner = f"{items}\n{script}"
        if self.commented:
            inner = f"<!--\n{inner}-->"
            script = ""
        return (
            self.head("法治政府建设")
            + f"""
<div class="main"><div class="location">您当前的位置：首页 &gt; 政府信息公开 &gt; 法治政府建设</div>
<ul class="list_ul">
{inner if self.commented else items}
</ul>
<div class="page">{'<div id="page_div"></div>' if self.call == "six" else ""}{script}</div></div>
"""
            + self.FOOT.format(name=esc(self.name))
        )

    def render_detail(self, page: PortalPage) -> str:
        written = page.published.isoformat()
        return (
            self.head(page.title)
            + f"""
<div class="main"><div class="location">您当前的位置：首页 &gt; 政府信息公开 &gt; 法治政府建设</div>
<table class="xxgk_table" width="100%">
<tr><td class="t">索引号:</td><td>{esc(page.index_number or "")}</td><td class="t">发布机构:</td><td>{esc(page.publisher or "")}</td></tr>
<tr><td class="t">生效日期:</td><td>{written}</td><td class="t">废止日期:</td><td></td></tr>
<tr><td class="t">文　号:</td><td>{esc(page.doc_number or "")}</td><td class="t">所属主题:</td><td>计划总结</td></tr>
</table>
<div class="article"><h1>{esc(page.title)}</h1>
<div class="info">来源: 发布时间:{page.published.isoformat()} 浏览次数: <span id="count"></span>
【字体:<a href="javascript:fontZoom(16)">大</a> <a href="javascript:fontZoom(14)">中</a> <a href="javascript:fontZoom(12)">小</a>】</div>
<div class="TRS_Editor">
{paragraphs_html(page.paragraphs)}
</div>
<div class="tools"><a href="javascript:window.print()">【打印正文】</a> 【字体:<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】 <a href="javascript:window.close()">【关闭窗口】</a></div>
</div></div>
<script>createPageHTML(1,0,"t{page.published:%Y%m%d}_{page.article_id}","html");</script>
"""
            + self.FOOT.format(name=esc(self.name))
        )
