"""Metadata from metas, the disclosure table, the info line and the body's header lines."""

from __future__ import annotations

import datetime

from crawler.extract import extract_report

ZJ_TABLE = """<html><head><title>威海市民政局2020年法治政府建设工作情况报告_威海市民政局</title>
<meta name="ArticleTitle" content="威海市民政局2020年法治政府建设工作情况报告">
<meta name="PubDate" content="2021-01-04 09:30">
<meta name="ContentSource" content="威海市民政局网站">
</head><body><div class="position">当前位置：首页 &gt; 政务公开</div>
<table class="xxgk_article"><tr><td>索 引 号：</td><td>11371000004262540L/2021-00012</td>
<td>文 号：</td><td></td></tr><tr><td>发布机构：</td><td>威海市民政局</td>
<td>成文日期：</td><td>2020-12-30</td></tr></table>
<div class="info"><span>发布日期:2021-01-04</span><span>浏览次数：12</span></div>
<div id="zoom"><p>2020年在市委、市政府的正确领导下，威海市民政局深入推进依法行政。</p>
<p>一、依法履行政府职能</p></div></body></html>"""


def test_zhejiang_style_disclosure_table() -> None:
    result = extract_report(ZJ_TABLE)
    assert result.title == "威海市民政局2020年法治政府建设工作情况报告"
    assert result.index_number == "11371000004262540L/2021-00012"
    assert result.publisher == "威海市民政局"  # 发布机构 beats the ContentSource meta
    assert result.written == datetime.date(2020, 12, 30)
    assert result.published == datetime.date(2021, 1, 4)
    assert result.doc_number is None  # the 文号 cell is empty; the next label is not its value
    assert (result.report_kind, result.report_year) == ("法治政府建设年度报告", 2020)
    assert "索引号" not in result.text and "浏览次数" not in result.text


def test_info_line_and_th_td_table() -> None:
    html = """<html><head><title>通知</title></head><body>
    <table><tr><th>索引号</th><td>000014349/2024-00012</td><th>发文机关</th><td>国务院办公厅</td></tr>
    <tr><th>发文字号</th><td>国办发〔2024〕1号</td><th>成文日期</th><td>2024年01月05日</td></tr></table>
    <div class="info">来源：中国政府网　发布时间：2024-01-08 17:00</div>
    <div id="UCAP-CONTENT"><p>各省、自治区、直辖市人民政府：</p>
    <p>现印发给你们，请认真贯彻执行。</p></div>
    </body></html>"""
    result = extract_report(html)
    assert result.index_number == "000014349/2024-00012"
    assert result.doc_number == "国办发〔2024〕1号"
    assert result.publisher == "国务院办公厅"
    assert result.written == datetime.date(2024, 1, 5)
    assert result.published == datetime.date(2024, 1, 8)


def test_source_label_and_meta_fallback() -> None:
    html = """<html><head><meta name="ContentSource" content="罗湖区民政局">
    <title>深圳市罗湖区民政局2024年法治政府建设年度报告-深圳市罗湖区民政局</title></head><body>
    <h1 class="news_cont_title">深圳市罗湖区民政局2024年法治政府建设年度报告</h1>
    <div class="news_cont_info"><span>来源：</span><span>发布时间：2025-01-15 10:30</span></div>
    <div class="TRS_Editor"><p>2024年，罗湖区民政局深入推进依法行政。</p></div></body></html>"""
    result = extract_report(html)
    assert result.publisher == "罗湖区民政局"  # the shown 来源 is empty
    assert result.title == "深圳市罗湖区民政局2024年法治政府建设年度报告"
    assert result.published == datetime.date(2025, 1, 15)


def test_title_from_title_tag_segment_matching_a_heading() -> None:
    html = """<html><head><title>工作进展情况_平潭综合实验区党工委管委会</title></head><body>
    <div class="article_title">平潭综合实验区社会事业局关于2022年法治工作情况的报告</div>
    <div class="TRS_Editor"><p>根据工作要求，将我局有关工作情况总结如下。</p></div></body></html>"""
    # No segment repeats the heading: the longest segment is the best the page offers.
    assert extract_report(html).title == "平潭综合实验区党工委管委会"
    html_with_match = html.replace(
        "工作进展情况_", "平潭综合实验区社会事业局关于2022年法治工作情况的报告_"
    )
    assert (
        extract_report(html_with_match).title
        == "平潭综合实验区社会事业局关于2022年法治工作情况的报告"
    )


def test_json_shape() -> None:
    data = extract_report(
        ZJ_TABLE, url="http://mzj.weihai.gov.cn/art/2021/1/4/art_1_2.html"
    ).to_json()
    assert list(data) == [
        "title", "published", "doc_number", "index_number", "publisher",
        "report_kind", "report_year", "attachments", "text",
    ]  # fmt: skip
    assert data["published"] == "2021-01-04"
    assert data["attachments"] == []
    assert data["text"].splitlines()[0].startswith("2020年在市委")
