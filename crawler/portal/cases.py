"""Extra portal sites for the hard cases: mis-declared Chinese encodings, listing shells and
pagers that never end. None is part of the default portal; tests add them with
Portal.add_site() (or pass them to Portal(sites=...))."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs

from crawler.portal.catalogue import PortalPage
from crawler.portal.generic_site import PostIdSite
from crawler.portal.site import Reply, esc

# Characters that tell the GB encodings apart: 镕堃喆 are in GBK but not GB2312; 䶮 (CJK
# extension A), 𠮷 (extension B) and € only in GB18030.
GBK_ONLY = "朱镕基、王堃、张喆"
GB18030_ONLY = "䶮、𠮷、€"


def encoded_page(key: str, agency: str, *, extra: str, article_id: int) -> PortalPage:
    """A short notice whose text needs the site's encoding to survive."""
    return PortalPage(
        key=key,
        title=f"{agency}关于2024年度政府信息公开工作年度报告的说明",
        published=dt.date(2025, 1, 20),
        paragraphs=[
            "根据《中华人民共和国政府信息公开条例》规定，现将有关情况说明如下。",
            f"一、本年度经办人员：{extra}。",
            "二、主动公开政府信息386条，受理依申请公开27件。",
            agency,
            "2025年1月20日",
        ],
        publisher=agency,
        article_id=article_id,
    )


class EncodedSite(PostIdSite):
    """A post_ID site whose bytes are in `encoding`, declared (rightly, wrongly or not at all)
    by the Content-Type header and by a <meta charset>."""

    def __init__(
        self,
        key: str,
        name: str,
        pages: list[PortalPage],
        *,
        encoding: str,
        header_charset: str | None,
        meta_charset: str | None,
    ) -> None:
        super().__init__(key, name, pages, column_path="/zwgk/xxgk/")
        self.encoding = encoding
        self.header_charset = header_charset
        self.meta_charset = meta_charset

    def wrap(self, title: str, main: str, meta: str = "") -> str:
        declared = f'<meta charset="{self.meta_charset}">' if self.meta_charset else ""
        return super().wrap(title, main, meta).replace('<meta charset="utf-8">', declared, 1)

    def encode(self, text: str) -> bytes:
        return text.encode(self.encoding)  # strict: the test page must really be this encoding


def encoding_sites() -> list[EncodedSite]:
    """One site per decoding case the crawler must get right."""
    cases = (
        # key, agency, bytes, header charset, meta charset, characters at stake
        ("enc-gb2312-says-utf8", "某市统计局", "gb2312", "utf-8", "utf-8", "张三、李四"),
        ("enc-gbk-undeclared", "某市民政局", "gbk", None, None, GBK_ONLY),
        ("enc-gb18030-says-gbk", "某县人民政府", "gb18030", "gbk", "gb2312", GB18030_ONLY),
        ("enc-gbk-says-latin1", "某区司法局", "gbk", "iso-8859-1", None, GBK_ONLY),
    )
    return [
        EncodedSite(
            key,
            agency,
            [encoded_page("notice", agency, extra=extra, article_id=7000 + i)],
            encoding=encoding,
            header_charset=header,
            meta_charset=meta,
        )
        for i, (key, agency, encoding, header, meta, extra) in enumerate(cases)
    ]


JPAAS_SHELL = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{name}</title>
<script src="commonfiles/handlebars.min.js"></script>
<script src="commonfiles/jquery.jpage.js"></script></head><body>
<div class="head"><h1>{name}</h1><ul class="nav"><li><a href="/">首页</a></li></ul></div>
<div class="box03"><h2><span class="tit">法治政府建设</span></h2>
<div id="380055"></div>
<script id="div380055" type="text/x-handlebars-template">
<ul class='List_list'>{{{{#each data}}}}{{{{#with this}}}}<li>
<a href='{{{{pcUrl}}}}' title='{{{{title}}}}'>{{{{title}}}}</a>
<span>{{{{formatDate pubDate 'YYYY-MM-DD'}}}}</span></li>{{{{/with}}}}{{{{/each}}}}</ul>
</script>
<script src="commonfiles/utils.js"></script>
<script>
var params = {{ current: 1, unitid: '380055', webSiteCode: ['jxssthjt'], channelCode: ['col42150'],
  perPage: '15', templateContainerId: 'div380055' }};
loadPageData(params, '380055');
</script></div>
<div class="footer">主办单位：{name}</div></body></html>"""

SPA_SHELL = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>数据查询</title>
<meta id="9DhefwqGPrzGxEp9hPaoag" content="LW4`14_1;@1D)1;Z1Ak1">
<script type="text/javascript" r='m'>$_ts=window['$_ts'];if(!$_ts)$_ts={{}};$_ts.nsd=73112;</script>
<script src="js/vue.min.js"></script><script src="js/axios.min.js"></script></head><body>
<div id="app"><div class="header"><h1>{name}</h1><a href="/">首页</a> <a href="#">数据查询</a>
<a href="#">政务公开</a> <a href="#">政务服务</a> <a href="#">互动交流</a></div>
<div class="banner">数据查询 药品 医疗器械 化妆品 查询结果以数据库为准，仅供参考</div>
<ul class="list"><li v-for="(item, index) in dataList" :key="index">
<a :href="item.url">{{{{item.title}}}}</a><span>{{{{item.pubDate}}}}</span></li></ul></div>
<script>
new Vue({{ el: '#app', data: {{ dataList: [] }}, mounted: function () {{
  var vm = this;
  axios.post('/datasearch/data/nmpadata/search', {{ tableId: 25, pageNum: 1, pageSize: 20 }})
    .then(function (r) {{ vm.dataList = r.data.list; }});
}} }});
</script></body></html>"""


class ShellSite(PostIdSite):
    """A column page that holds no items: they load by script from an API.

    flavour "jpaas" is the new Hanweb (Handlebars template + loadPageData), "spa" a Vue app
    behind 瑞数 (its $_ts markers on a 200 page), as in corpus/listings.
    """

    def __init__(self, key: str, name: str, *, flavour: str) -> None:
        super().__init__(key, name, [], column_path="/col/col42150/")
        if flavour not in ("jpaas", "spa"):
            raise ValueError(f"unknown shell flavour {flavour!r}")
        self.flavour = flavour

    def route_listing(self, method: str, path: str, query: str, body: bytes) -> Reply | None:
        if path != self.listing_path:
            return None
        template = JPAAS_SHELL if self.flavour == "jpaas" else SPA_SHELL
        return self.html_reply(template.format(name=esc(self.name)))


class EndlessSite(PostIdSite):
    """A listing whose 下一页 never runs out.

    mode "fresh": every page lists new items (made up as they are asked for), forever.
    mode "repeat": every page past the last lists the last page's items again.
    """

    def __init__(self, key: str, name: str, *, mode: str, per_page: int = 2) -> None:
        base = [
            PortalPage(
                key=f"item-{i}",
                title=f"{name}关于第{i}批政府信息主动公开目录的公告",
                published=dt.date(2024, 1, 1) + dt.timedelta(days=i),
                paragraphs=[f"现将第{i}批主动公开目录公告如下，共{10 + i}条。", name],
                article_id=500 + i,
            )
            for i in range(1, 5)
        ]
        super().__init__(key, name, base, column_path="/zwgk/tzgg/", per_page=per_page)
        if mode not in ("fresh", "repeat"):
            raise ValueError(f"unknown endless mode {mode!r}")
        self.mode = mode

    @property
    def listing_path(self) -> str:
        return self.column_path

    def route_listing(self, method: str, path: str, query: str, body: bytes) -> Reply | None:
        if path != self.column_path:
            return None
        match = re.fullmatch(r"\d+", parse_qs(query).get("page", ["1"])[0])
        number = int(match.group(0)) if match else 1
        if self.mode == "fresh":
            while len(self.pages) < number * self.per_page:
                i = len(self.pages) + 1
                self.pages.append(
                    PortalPage(
                        key=f"item-{i}",
                        title=f"{self.name}关于第{i}批政府信息主动公开目录的公告",
                        published=dt.date(2024, 1, 1) + dt.timedelta(days=i),
                        paragraphs=[f"现将第{i}批主动公开目录公告如下，共{10 + i}条。", self.name],
                        article_id=500 + i,
                    )
                )
            start = (number - 1) * self.per_page
        else:
            last = max(0, (len(self.pages) - 1) // self.per_page)
            start = min(number - 1, last) * self.per_page
        chunk = self.pages[start : start + self.per_page]
        items = "\n".join(
            f'<li><a href="{esc(self.detail_path(p))}">{esc(p.title)}</a>'
            f"<span>{p.published.isoformat()}</span></li>"
            for p in chunk
        )
        return self.html_reply(
            self.wrap(
                "通知公告",
                f'<div class="list_con"><ul>{items}</ul></div>'
                f'<div class="pagination"><a href="?page={number + 1}">下一页</a></div>',
            )
        )
