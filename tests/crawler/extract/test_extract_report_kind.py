"""Report kind and year come from the title, by pattern."""

from __future__ import annotations

import pytest

from crawler.extract import extract_report
from crawler.extract.report_kind import parse_report_kind

FZZF = "法治政府建设年度报告"
XXGK = "政府信息公开工作年度报告"


@pytest.mark.parametrize(
    ("title", "kind", "year"),
    [
        ("兰州市民政局关于2023年法治政府建设情况的报告", FZZF, 2023),
        ("晋中市民政局2021年法治政府建设情况报告", FZZF, 2021),
        ("威海市民政局2020年法治政府建设工作情况报告", FZZF, 2020),
        ("深圳市罗湖区民政局2024年法治政府建设年度报告", FZZF, 2024),
        ("平潭综合实验区社会事业局关于2022年法治工作情况暨2023年工作要点的报告", FZZF, 2022),
        ("国家统计局2023年政府信息公开工作年度报告", XXGK, 2023),
        ("兰州市民政局2024年政府信息公开工作年度报告", XXGK, 2024),
        ("2023年度政府信息公开工作年度报告", XXGK, 2023),
        ("政府信息公开工作年度报告（2021年）", XXGK, 2021),
        ("2024年政府工作报告", "政府工作报告", 2024),
    ],
)
def test_kinds(title: str, kind: str, year: int) -> None:
    assert parse_report_kind(title) == (kind, year)


@pytest.mark.parametrize(
    "title",
    [
        "自治区民政厅关于印发落实广西法治政府建设实施方案(2021—2025年)工作方案的通知",
        "关于开展2024年度社会组织年度报告工作的通知",
        "1-10月德清县固定资产投资结构趋稳趋优",
        "",
    ],
)
def test_not_reports(title: str) -> None:
    assert parse_report_kind(title) == (None, None)


def test_year_of_a_doc_number_is_not_the_report_year() -> None:
    assert parse_report_kind("兰民字〔2024〕8号 法治政府建设情况的报告") == (FZZF, None)


def test_extract_report_sets_kind_from_title() -> None:
    html = (
        "<html><head><meta name='ArticleTitle' "
        "content='兰州市民政局关于2023年法治政府建设情况的报告'></head>"
        "<body><div id='zoom'><p>市政府：</p><p>现将工作完成情况报告如下。</p></div>"
        "</body></html>"
    )
    result = extract_report(html)
    assert (result.report_kind, result.report_year) == (FZZF, 2023)
