"""Classify a report by its title: which annual report it is, and for which year."""

from __future__ import annotations

import re

# (kind, title pattern). Every pattern ends in 报告/年报: a 通知 or 方案 about a report is not one.
REPORT_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "政府信息公开工作年度报告",
        re.compile(r"政府信息公开(?:工作)?(?:情况)?(?:年度)?(?:报告|年报)"),
    ),
    (
        "法治政府建设年度报告",
        re.compile(
            r"法治政府建设[^，。；《》]{0,16}?报告"
            r"|法治(?:建设|工作)[^，。；《》]{0,24}?报告"
            r"|依法行政[^，。；《》]{0,16}?报告"
        ),
    ),
    ("政府工作报告", re.compile(r"政府工作报告")),
    ("国民经济和社会发展统计公报", re.compile(r"国民经济和社会发展统计公报")),
    ("预算执行情况报告", re.compile(r"预算执行情况[^，。；《》]{0,16}?报告")),
    ("审计工作报告", re.compile(r"审计工作报告")),
)

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年(?!\s*\d{1,2}\s*月)")


def parse_report_kind(title: str | None) -> tuple[str | None, int | None]:
    """``(kind, year)`` of a report title; the year is the one the report covers.

    >>> parse_report_kind("兰州市民政局关于2023年法治政府建设情况的报告")
    ('法治政府建设年度报告', 2023)
    >>> parse_report_kind("平潭综合实验区社会事业局关于2022年法治工作情况暨2023年工作要点的报告")
    ('法治政府建设年度报告', 2022)
    >>> parse_report_kind("国家统计局2023年政府信息公开工作年度报告")
    ('政府信息公开工作年度报告', 2023)
    >>> parse_report_kind("政府信息公开工作年度报告（2021年）")
    ('政府信息公开工作年度报告', 2021)
    >>> parse_report_kind("关于印发落实广西法治政府建设实施方案(2021—2025年)工作方案的通知")
    (None, None)
    """
    if not title:
        return None, None
    for kind, pattern in REPORT_KINDS:
        match = pattern.search(title)
        if not match:
            continue
        years = [(m.start(), int(m[1])) for m in _YEAR.finditer(title)]
        before = [year for start, year in years if start < match.start()]
        inside_or_after = [year for start, year in years if start >= match.start()]
        if before:
            return kind, before[-1]
        return kind, inside_or_after[0] if inside_or_after else None
    return None, None
