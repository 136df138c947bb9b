"""What the local portal publishes: the five example reports and ordinary notices.

The reports are the published texts in `reports/` (their body only; the chrome around them is
rendered by the sites). Notices are generated from templates, deterministically, so that tests
can compute what a crawl must find.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from importlib import resources


@dataclass
class PortalFile:
    """An attachment the portal serves."""

    name: str
    filename: str
    content_type: str
    data: bytes


@dataclass
class PortalPage:
    """One detail page. Mutable: tests edit, withdraw and restore pages."""

    key: str
    title: str
    published: dt.date
    paragraphs: list[str]
    doc_number: str | None = None
    index_number: str | None = None
    publisher: str | None = None
    written: dt.date | None = None
    report_kind: str | None = None
    report_year: int | None = None
    article_id: int = 0
    attachments: list[PortalFile] = field(default_factory=list)
    # live, or how a withdrawn page answers: 404, 410, soft404, home-redirect
    state: str = "live"
    listed: bool = True
    # what a soft 404 says when the page is withdrawn that way
    gone_message: str = "您访问的页面不存在或已删除！"
    # a path of its own instead of the site's pattern (e.g. under /private/)
    path: str | None = None

    @property
    def text(self) -> str:
        """The body as the archive should hold it: one paragraph per line."""
        return "\n".join(self.paragraphs)


def report_text(name: str) -> list[str]:
    """Paragraphs of a bundled example report."""
    text = resources.files("crawler.portal").joinpath(f"reports/{name}.txt").read_text("utf-8")
    return [line for line in text.splitlines() if line.strip()]


@dataclass(frozen=True)
class NoticeTemplate:
    title: str
    published: dt.date
    body: tuple[str, ...]


# {agency} is filled per site; each body line mentions figures so edits have something to hit.
NOTICES: tuple[NoticeTemplate, ...] = (
    NoticeTemplate(
        "{agency}关于开展2024年度社会组织年度报告工作的通知",
        dt.date(2024, 3, 15),
        (
            "各有关社会组织：",
            "根据《社会组织信用信息管理办法》有关规定，现就做好2024年度社会组织年度报告工作通知如下。",
            "一、报告范围。在本机关登记的社会团体、民办非企业单位和基金会，共计{n}家。",
            "二、报告时间。2024年3月15日至2024年5月31日。",
            "三、有关要求。各社会组织应当如实填报，逾期未报的，依法列入活动异常名录。",
            "{agency}",
            "2024年3月15日",
        ),
    ),
    NoticeTemplate(
        "{agency}关于公布2023年度社会救助资金使用情况的公告",
        dt.date(2024, 1, 20),
        (
            "为进一步加强社会救助资金监管，现将2023年度社会救助资金使用情况公告如下：",
            "全年累计发放城乡低保金{m}万元，保障困难群众{n}人次。",
            "发放特困人员救助供养金{k}万元，临时救助{n2}人次。",
            "欢迎社会各界监督。监督电话：12345。",
        ),
    ),
    NoticeTemplate(
        "{agency}关于做好2024年春节期间困难群众基本生活保障工作的通知",
        dt.date(2024, 1, 10),
        (
            "各县区民政局：",
            "为切实做好2024年春节期间困难群众基本生活保障工作，现将有关事项通知如下。",
            "一、全面排查走访。对低保对象、特困人员等困难群众开展一次全覆盖走访，确保{n}户重点对象全部走访到位。",
            "二、及时发放救助资金。春节前将1月份各类救助资金足额发放到位。",
        ),
    ),
    NoticeTemplate(
        "关于印发《{agency}养老服务体系建设实施方案》的通知",
        dt.date(2023, 9, 12),
        (
            "局机关各科室、各直属单位：",
            "现将《养老服务体系建设实施方案》印发给你们，请结合实际认真贯彻落实。",
            "到2025年，全市新建社区养老服务站{k}个，护理型床位占比达到55%以上。",
        ),
    ),
    NoticeTemplate(
        "{agency}2023年第三季度社会组织登记情况公示",
        dt.date(2023, 10, 8),
        (
            "2023年第三季度，本机关共准予成立登记社会组织{k}家，变更登记{n2}家，注销登记3家。",
            "具体名单详见附表。",
        ),
    ),
    NoticeTemplate(
        "{agency}关于征求《殡葬管理办法（修订草案）》意见的公告",
        dt.date(2025, 3, 3),
        (
            "为提高立法质量，现将《殡葬管理办法（修订草案）》全文公布，征求社会各界意见。",
            "意见反馈截止时间为2025年4月3日。",
        ),
    ),
    NoticeTemplate(
        "{agency}2024年政府信息公开工作年度报告",
        dt.date(2025, 1, 22),
        (
            "本报告根据《中华人民共和国政府信息公开条例》要求编制。",
            "一、总体情况。2024年，本机关主动公开政府信息{n}条，受理依申请公开{k}件。",
            "二、存在的主要问题及改进情况。公开内容的规范性有待进一步提高。",
        ),
    ),
    NoticeTemplate(
        "{agency}关于2024年度婚姻登记工作情况的通报",
        dt.date(2024, 12, 30),
        (
            "2024年，全市共办理结婚登记{n}对，离婚登记{k}对，补领婚姻登记证{n2}件。",
            "婚姻登记“跨省通办”试点工作平稳推进。",
        ),
    ),
)


def make_notices(agency: str, *, seed: int, first_article_id: int) -> list[PortalPage]:
    """The ordinary notices of one site, newest first."""
    pages = []
    for i, tpl in enumerate(NOTICES):
        figures = {
            "agency": agency,
            "n": 1200 + seed * 37 + i * 11,
            "n2": 80 + seed * 3 + i,
            "m": f"{3000 + seed * 41 + i}.{seed % 10}{i % 10}",
            "k": 20 + seed + i,
        }
        kind = "政府信息公开工作年度报告" if "信息公开工作年度报告" in tpl.title else None
        pages.append(
            PortalPage(
                key=f"notice-{i + 1}",
                title=tpl.title.format(**figures),
                published=tpl.published,
                paragraphs=[line.format(**figures) for line in tpl.body],
                publisher=agency,
                report_kind=kind,
                report_year=tpl.published.year - 1 if kind else None,
                article_id=first_article_id + i,
            )
        )
    return sorted(pages, key=lambda p: p.published, reverse=True)
