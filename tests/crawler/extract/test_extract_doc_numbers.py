"""文号: every bracket style, the issuer prefix kept whole, free text not mistaken for one."""

from __future__ import annotations

import pytest

from crawler.extract import extract_report
from crawler.extract.doc_numbers import parse_doc_number, starts_with_doc_number


@pytest.mark.parametrize(
    "number",
    [
        "兰民字〔2024〕8号",
        "桂民发〔2022〕7号",
        "国办发[2024]1号",
        "京政发（2024）3号",
        "沪府规(2023)12号",
        "国发［2021］33号",
        "浙政办发【2020】5号",
        "金罚决字〔2024〕36号",
        "国函〔2024〕第15号",
    ],
)
def test_bracket_styles(number: str) -> None:
    assert parse_doc_number(number) == number
    assert parse_doc_number(f"文号：{number}") == number
    assert parse_doc_number(f"（{number}）") == number


def test_spaces_inside_are_dropped() -> None:
    assert parse_doc_number("京政发 〔 2024 〕 3 号") == "京政发〔2024〕3号"


@pytest.mark.parametrize(
    "text",
    ["（2007年6月29日通过）", "索引号：000014349/2024-00012", "2021—2025年", "第3号", ""],
)
def test_not_doc_numbers(text: str) -> None:
    assert parse_doc_number(text) is None


def test_header_line_versus_sentence() -> None:
    assert (
        starts_with_doc_number("兰民字〔2024〕8号             签发人:颜烨鲁") == "兰民字〔2024〕8号"
    )
    assert starts_with_doc_number("根据兰民字〔2024〕8号文件要求") is None
    assert starts_with_doc_number("我局印发了国办发〔2024〕1号") is None


def _page(table: str, body: str, title: str = "关于2023年法治政府建设情况的报告") -> str:
    return (
        f"<html><head><title>{title}</title></head><body>{table}"
        f"<div class='TRS_Editor'>{body}</div></body></html>"
    )


def test_from_the_disclosure_table() -> None:
    html = _page(
        "<table><tr><th>发文字号</th><td>桂民发〔2022〕7号</td></tr></table>",
        "<p>各设区市民政局：</p><p>现印发你们。</p>",
    )
    assert extract_report(html).doc_number == "桂民发〔2022〕7号"


def test_from_the_body_header_line() -> None:
    html = _page(
        "",
        "<p>兰民字〔2024〕8号&nbsp;&nbsp;&nbsp;&nbsp;签发人:颜烨鲁</p><p>市政府:</p><p>现报告如下。</p>",
    )
    result = extract_report(html)
    assert result.doc_number == "兰民字〔2024〕8号"
    assert result.text.splitlines()[:2] == ["兰民字〔2024〕8号 签发人:颜烨鲁", "市政府:"]


def test_from_the_title_brackets() -> None:
    html = _page("", "<p>处罚决定正文。</p>", title="行政处罚信息公开表(金罚决字〔2024〕36号)")
    assert extract_report(html).doc_number == "金罚决字〔2024〕36号"


def test_none_when_absent() -> None:
    assert (
        extract_report(
            _page("", "<p>根据国办发〔2024〕1号文件要求，现将有关情况报告如下。</p>")
        ).doc_number
        is None
    )
