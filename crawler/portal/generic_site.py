"""Sites no listing adapter knows by name: plain anchor lists with 下一页 pagination.

Two layouts: Guangdong's post_ID pages (深圳 districts: /content/post_ID.html, index_N.html)
and the Guangxi 集约化 layout (YYYYMMDD-ID.shtml, ?page=N, an accessibility toolbar and a
share bar around the body).

`pager="numbers"` drops the 下一页 link and leaves only numbered page links (1 2 3 …), as many
sites render them."""

from __future__ import annotations

import re
from urllib.parse import parse_qs

from crawler.portal.catalogue import PortalPage
from crawler.portal.site import PortalSite, Reply, esc, paragraphs_html


class ColumnSite(PortalSite):
    """A column of detail pages under one folder, with a 下一页 or numbered pager."""

    def __init__(
        self,
        key: str,
        name: str,
        pages: list[PortalPage],
        *,
        column_path: str,
        per_page: int = 4,
        pager: str = "next",
    ) -> None:
        super().__init__(key, name, pages)
        self.column_path = column_path.rstrip("/") + "/"
        self.per_page = per_page
        if pager not in ("next", "numbers"):
            raise ValueError(f"unknown pager {pager!r}")
        self.pager = pager


class PostIdSite(ColumnSite):
    """Guangdong post_ID layout."""

    @property
    def listing_path(self) -> str:
        return self.column_path + "index.html"

    def pattern_path(self, page: PortalPage) -> str:
        return f"{self.column_path}content/post_{page.article_id}.html"

    def route_listing(self, method: str, path: str, query: str, body: bytes) -> Reply | None:
        if not path.startswith(self.column_path):
            return None
        m = re.fullmatch(r"index(?:_(\d+))?\.html", path[len(self.column_path) :])
        if not m:
            return None
        number = int(m.group(1) or 1)
        listed = self.listed_pages()
        count = self.page_count(listed)
        if number > count:
            return Reply(404, b"<html><body>404</body></html>", {"Content-Type": "text/html"})
        chunk = self.page_chunk(listed, number)
        items = "\n".join(
            f'<li><a href="{esc(self.detail_path(p))}" title="{esc(p.title)}">{esc(p.title)}</a>'
            f"<span>{p.published.isoformat()}</span></li>"
            for p in chunk
        )
        nav = []
        if self.pager == "numbers":
            nav = [
                f'<a href="{"index.html" if n == 1 else f"index_{n}.html"}">{n}</a>'
                if n != number
                else f"<span>{n}</span>"
                for n in range(1, count + 1)
            ]
        else:
            if number > 1:
                prev = "index.html" if number == 2 else f"index_{number - 1}.html"
                nav.append(f'<a href="{prev}">上一页</a>')
            if number < count:
                nav.append(f'<a href="index_{number + 1}.html">下一页</a>')
        return self.html_reply(
            self.wrap(
                "法治政府建设年度报告",
                f"""
<div class="crumb">当前位置：<a href="/">首页</a> &gt; 政务公开 &gt; 法治政府建设年度报告</div>
<div class="list_con"><ul>{items}</ul></div>
<div class="pagination">{" ".join(nav)} <span>第{number}页/共{count}页</span></div>""",
            )
        )

    def wrap(self, title: str, main: str, meta: str = "") -> str:
        return f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<title>{esc(title)}-{esc(self.name)}</title>{meta}
<script src="https://wza.sz.gov.cn/dist/aria.js"></script></head><body>
<div class="top_bar"><a href="#">无障碍</a> <a href="#">长者模式</a> <a href="#">登录</a> <a href="#">注册</a></div>
<div class="header"><h1>{esc(self.name)}</h1><ul class="nav"><li><a href="/">首页</a></li>
<li><a href="{self.listing_path}">政务公开</a></li><li><a href="#">政务服务</a></li><li><a href="#">互动交流</a></li></ul></div>
<div class="main">{main}</div>
<div class="footer"><p>主办：{esc(self.name)}　网站标识码：4403030001</p><p>粤ICP备11022486号</p>
<p><a href="#">政府网站找错</a></p></div></body></html>"""

    def render_detail(self, page: PortalPage) -> str:
        meta = (
            f'\n<meta name="ArticleTitle" content="{esc(page.title)}">'
            f'\n<meta name="PubDate" content="{page.published.isoformat()} 10:30">'
            f'\n<meta name="ContentSource" content="{esc(page.publisher or self.name)}">'
        )
        return self.wrap(
            page.title,
            f"""
<div class="crumb">当前位置：<a href="/">首页</a> &gt; 政务公开 &gt; 法治政府建设年度报告</div>
<div class="news_cont">
<h1 class="news_cont_title">{esc(page.title)}</h1>
<div class="news_cont_info"><span>来源：{esc(page.publisher or self.name)}</span>
<span>发布时间：{page.published.isoformat()} 10:30</span><span>字号：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a></span></div>
<div class="news_cont_d_wrap">
{paragraphs_html(page.paragraphs)}
</div>
<div class="qr">扫一扫在手机上打开当前页</div>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a></div>
<div class="print"><a href="javascript:window.print()">打印本页</a> <a href="javascript:window.close()">关闭窗口</a></div>
</div>""",
            meta,
        )


class GuangxiSite(ColumnSite):
    """Guangxi 集约化 layout, paged with ?page=N."""

    @property
    def listing_path(self) -> str:
        return self.column_path

    def pattern_path(self, page: PortalPage) -> str:
        return f"{self.column_path}{page.published:%Y%m%d}-{page.article_id}.shtml"

    def route_listing(self, method: str, path: str, query: str, body: bytes) -> Reply | None:
        if path != self.column_path:
            return None
        try:
            number = int(parse_qs(query).get("page", ["1"])[0])
        except ValueError:
            number = 1
        listed = self.listed_pages()
        count = self.page_count(listed)
        chunk = self.page_chunk(listed, number)
        items = "\n".join(
            f'<li><a href="{esc(self.detail_path(p))}" target="_blank">{esc(p.title)}</a>'
            f'<span class="date">{p.published.isoformat()}</span></li>'
            for p in chunk
        )
        if self.pager == "numbers":
            nav = " ".join(
                f'<a href="?page={n}">{n}</a>' if n != number else f"<b>{n}</b>"
                for n in range(1, count + 1)
            )
        else:
            nav = f'<a href="?page={number + 1}">下一页</a>' if number < count else ""
        return self.html_reply(
            self.wrap(
                "法治政府建设",
                f"""
<div class="more-list"><ul>{items}</ul></div><div class="page">{nav}</div>""",
            )
        )

    def wrap(self, title: str, main: str, meta: str = "") -> str:
        return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{esc(title)}</title>{meta}</head><body>
<div class="wza-toolbar"><span>页面</span><span>配色</span><span>辅助线</span><span>重置</span></div>
<div class="header"><div class="logo">{esc(self.name)}</div></div>
<div class="location">当前位置:<a href="/">首页</a> &gt; 广西民政“十四五”规划解读(已归档)</div>
<div class="main">{main}</div>
<div class="footer">主办单位：{esc(self.name)} 网站标识码：4500000036 桂ICP备05001234号</div></body></html>"""

    def render_detail(self, page: PortalPage) -> str:
        number = f"{page.doc_number} " if page.doc_number else ""
        files = "".join(
            f'<li><a href="{esc(self.attachment_path(page, f.filename))}">{esc(f.name)}</a></li>'
            for f in page.attachments
        )
        return self.wrap(
            page.title,
            f"""
<div class="article"><h1>{esc(number + page.title)}</h1>
<div class="article-inf"><span>{page.published.isoformat()} 15:34</span>
<span>来源:{esc(page.publisher or self.name)}</span></div>
<div class="share"><span>分享</span> <a>微信</a><br><a>头条</a><br><a>微博</a> <a>空间</a> <a>qq</a></div>
<div class="font">【字体: <a>大</a> <a>中</a> <a>小</a>】 <a href="javascript:window.print()">打印</a></div>
<div class="article-con">
{paragraphs_html(page.paragraphs)}
</div>
<div class="fujian"><p>文件下载:</p><ul>{files}</ul></div>
</div>""",
        )
