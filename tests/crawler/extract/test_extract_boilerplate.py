"""Chrome lines from the issue and the seed documents go; the body's own lines stay."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from crawler.extract import extract_report
from crawler.extract.boilerplate import clean_lines, is_chrome_line

ROOT = Path(__file__).resolve().parents[3]
SEED_DOCUMENTS = Path(
    os.environ.get("GONGKAI_SEED_DOCUMENTS", ROOT.parent / "shared" / "seed-documents")
)

# Residue seen at the top and bottom of ../shared/seed-documents/*.txt and in the issue.
CHROME = [
    "用户登录",
    "【字体：大 中 小】",
    "【字体:大 中 小】",
    "打印本页",
    "关闭窗口",
    "关闭",
    "分享到",
    "分享到：",
    "扫一扫在手机上打开当前页",
    "扫一扫在手机打开当前页",
    "扫一扫在手机打开当前页面",
    "扫一扫在手机上查看当前页面",
    "手机扫一扫打开此页",
    "Produced By 大汉网络 大汉版通发布系统",
    "【打印正文】 【字体:",
    "【字体: 打印",
    "分享 微信",
    "配色",
    "辅助线",
    "重置",
    "文件下载:",
    "浏览次数:",
    "浏览次数：",
    "当前位置:首页 > 广西民政“十四五”规划解读(已归档)",
    "首页>国务院公报>2007年第23号",
    "字号:[大][中][小][打印]",
    "字号：默认 大 超大 | 打印 |",
    "来源: 发布时间:2022-03-07 浏览次数: 【字体:",
    "发布日期:2024-02-02",
    "2022-04-15 15:34     来源:广西壮族自治区民政厅",
    "索引号: jz-mzj-2022-00068 发布机构:",
    "生效日期: 2022-03-07 废止日期:",
    "文 号: 所属主题: 计划总结",
    "全文检索",
    "退出长者模式",
    "政府网站找错",
    "网站标识码：3590000001",
    "闽ICP备09032658号",
    "简体|繁体|无障碍浏览",
    "安全隐私丨版权保护丨联系我们丨网站地图",
]
# The body's own lines, from the same seed documents.
BODY = [
    "兰民字〔2024〕8号             签发人:颜烨鲁",
    "市政府:",
    "各设区市、县(市、区)民政局,厅机关各处室局,厅直属各单位:",
    "一、2023年度法治政府建设的主要举措和成效",
    "(二) 层层压实法治政府建设责任",
    "兰州市民政局",
    "2024年2月2日",
    "2022411",
    "(此件公开发布)",
    "自治区民政厅",
    "晋中市民政局2021年法治政府建设情况报告",
    "五、工作中存在的问题",
    "（责任编辑：系统管理员）",
    "时间：2024年3月1日上午9时",
    "打印机采购项目已完成招标。",
    "资金来源：市级财政",
]


@pytest.mark.parametrize("line", CHROME)
def test_chrome_line(line: str) -> None:
    assert clean_lines([line, "正文第一段。"]) == ["正文第一段。"]


@pytest.mark.parametrize("line", BODY)
def test_body_line_kept(line: str) -> None:
    assert not is_chrome_line(line)
    assert clean_lines(["正文第一段。", line]) == ["正文第一段。", line]


def test_weak_widget_words_go_only_beside_chrome() -> None:
    assert clean_lines(["分享 微信", "头条", "微博 空间 qq", "正文。"]) == ["正文。"]
    assert clean_lines(["页面", "配色", "辅助线", "重置", "正文。"]) == ["正文。"]
    assert clean_lines(["【打印正文】 【字体:", "×", "用户登录"]) == []
    assert clean_lines(["正文。", "头条", "正文二。"]) == ["正文。", "头条", "正文二。"]


def test_table_value_after_bare_label_goes() -> None:
    assert clean_lines(["索引号：", "jz-mzj-2022-00068", "正文。"]) == ["正文。"]


@pytest.mark.parametrize("path", sorted(SEED_DOCUMENTS.glob("*.txt")), ids=lambda p: p.name)
def test_seed_document_residue_is_removed(path: Path) -> None:
    """Each seed document, laid out one line per <p> inside a generic page, loses its chrome."""
    lines = [line.strip() for line in path.read_text("utf-8").splitlines() if line.strip()]
    cleaned = clean_lines(lines)
    for line in cleaned:
        assert line not in CHROME and "Produced By" not in line and "扫一扫" not in line
    body_lines = [line for line in lines if line in BODY]
    assert [line for line in cleaned if line in BODY] == body_lines
    # at most the site-name banner lines survive, never a paragraph of the report is lost
    long_lines = [line for line in lines if len(line) > 60]
    assert [line for line in cleaned if len(line) > 60] == long_lines


def test_residue_around_a_fallback_body() -> None:
    """A page with no known container: trafilatura's output is cleaned by the same patterns."""
    paragraphs = "".join(
        f"<p>第{i}段，民政法治建设工作取得良好成效，现将有关情况报告如下。</p>" for i in range(8)
    )
    html = (
        "<html><head><title>晋中市民政局2021年法治政府建设情况报告</title></head><body>"
        "<div class='wrap'><div class='bar'><p>页面</p><p>配色</p><p>辅助线</p><p>重置</p></div>"
        "<div class='body-text'><p>【打印正文】 【字体:</p>" + paragraphs + "<p>关闭</p>"
        "<p>Produced By 大汉网络 大汉版通发布系统</p></div></div></body></html>"
    )
    result = extract_report(html)
    assert result.method.startswith("trafilatura")
    for chrome in ("配色", "字体", "关闭", "Produced By"):
        assert chrome not in result.text
    assert result.text.count("民政法治建设工作取得良好成效") == 8
