"""Real government pages: the body must hold its sentences and none of the page's chrome."""

from __future__ import annotations

import datetime

import pytest

from crawler.extract import extract_report
from tests.crawler.extract.conftest import CORPUS_PAGES, CorpusPage

# Hand-picked sentences of each body (first, middle, last), in the trafilatura test style.
MUST_HAVE: dict[str, tuple[str, ...]] = {
    "fujian-pingtan-report": (
        "根据党工委全面依法治区委员会工作要求，将我局有关工作情况总结如下：",
        "一、工作开展情况",
        "（五）多渠道加强未成年人法治宣传教育，强化权益保护",
        "三、下一步工作计划",
    ),
    "gansu-fzgg": (
        "各市、自治州人民政府、兰州新区管委会，省直有关单位，中央在甘有关单位：",
        "《甘肃省关于加力支持工业企业设备更新的若干措施》已经省委省政府同意",
        "2025年2月25日",
    ),
    "govcn-gazette": (
        "全国人民代表大会常务委员会",
        "（2007年6月29日第十届全国人民代表大会常务委员会第二十八次会议通过）",
        "会议决定：批准发行15500亿元特别国债购买外汇",
    ),
    "hanweb-zj-fgw": ("1-10月，全县固定资产投资完成246.79亿元，完成年度计划82.3%",),
    "nfra-rendered": (
        "行政处罚决定书文号",
        "金罚决字〔2024〕36号",
        "对复星联合健康保险股份有限公司合计罚款158万元。其中，总公司38万元，分支机构120万元。",
        "2024年7月8日",
    ),
    "trs-cmse": (
        "中国载人航天工程新闻发言人 武平",
        "女士们、先生们：",
        "上面介绍的是关于这次任务的有关情况。下面，我愿意回答大家的提问。",
        "（责任编辑：系统管理员）",
    ),
    "trs-shanxi": (
        "图为山西品牌丝路行（南美站）启动仪式。（刘通摄）",
        "跨越千山万水，行程近两万公里，山西品牌丝路行首次登陆巴西",
        "南美站活动将先后在巴西、乌拉圭、阿根廷举行。（张巨峰）",
    ),
}
# Chrome that sits inside or right beside each page's container.
MUST_NOT_CONTAIN: dict[str, tuple[str, ...]] = {
    "fujian-pingtan-report": ("扫一扫", "浏览量", "关闭", "附件下载"),
    "gansu-fzgg": ("扫一扫", "字号", "分享"),
    "govcn-gazette": ("扫一扫", "字号", "登录", "无障碍"),
    "hanweb-zj-fgw": ("浏览次数", "打印", "信息来源", "分享到"),
    "nfra-rendered": ("@font-face", "扫一扫", "分享到微信", "版权与免责声明"),
    "trs-cmse": ("字号", "[打印]", "邮箱登录"),
    "trs-shanxi": ("扫一扫", "打印", "字体", "山西日报"),
}


def _squash(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("corpus_page", CORPUS_PAGES, indirect=True)
def test_body_has_its_sentences_and_no_chrome(corpus_page: CorpusPage) -> None:
    result = extract_report(corpus_page.html, url=corpus_page.spec.get("url"))
    body = _squash(result.text)
    for phrase in MUST_HAVE[corpus_page.name]:
        assert _squash(phrase) in body, phrase
    for phrase in MUST_NOT_CONTAIN[corpus_page.name]:
        assert phrase not in result.text, phrase


@pytest.mark.parametrize("corpus_page", CORPUS_PAGES, indirect=True)
def test_every_gold_paragraph_present_and_no_must_not_line(corpus_page: CorpusPage) -> None:
    result = extract_report(corpus_page.html, url=corpus_page.spec.get("url"))
    lines = result.text.split("\n")
    assert all(line.strip() for line in lines), "no blank lines"
    body = _squash(result.text)
    missing = [p for p in corpus_page.spec["paragraphs"] if _squash(p) not in body]
    assert missing == []
    forbidden = {_squash(line) for line in corpus_page.spec["must_not"]}
    assert [line for line in lines if _squash(line) in forbidden] == []
    gold = _squash("".join(corpus_page.spec["paragraphs"]))
    assert [line for line in lines if _squash(line) not in gold] == []


@pytest.mark.parametrize("corpus_page", CORPUS_PAGES, indirect=True)
def test_corpus_metadata(corpus_page: CorpusPage, extra_metadata: dict) -> None:
    result = extract_report(corpus_page.html, url=corpus_page.spec.get("url"))
    assert result.title == corpus_page.spec["title"]
    assert result.published == datetime.date.fromisoformat(corpus_page.spec["published"])
    for field, gold in extra_metadata.get(corpus_page.name, {}).items():
        if not field.startswith("_"):
            assert getattr(result, field) == gold, field
    assert result.method.startswith("container:"), "every corpus family has a known container"


@pytest.mark.parametrize("corpus_page", ["gansu-fzgg"], indirect=True)
def test_gansu_shown_date_beats_regenerated_pubdate(corpus_page: CorpusPage) -> None:
    assert 'name="PubDate" content="2025-03-27' in corpus_page.html
    result = extract_report(corpus_page.html)
    assert result.published == datetime.date(2025, 2, 26)
    assert [a.url for a in result.attachments] == [
        "174084153/files/5e0f97363d1d413c968a35078e0a7fcf.pdf"
    ]
    with_url = extract_report(
        corpus_page.html, url="https://fzgg.gansu.gov.cn/fzgg/tzgg/202502/174084153.shtml"
    )
    assert with_url.attachments[0].url == (
        "https://fzgg.gansu.gov.cn/fzgg/tzgg/202502/174084153/files/"
        "5e0f97363d1d413c968a35078e0a7fcf.pdf"
    )
    assert with_url.attachments[0].name == "《甘肃省关于加力支持工业企业设备更新的若干措施》"


@pytest.mark.parametrize("corpus_page", ["govcn-gazette"], indirect=True)
def test_govcn_stray_html_end_does_not_hide_the_body(corpus_page: CorpusPage) -> None:
    assert corpus_page.html.count("</html>") > 1
    result = extract_report(corpus_page.html)
    assert result.method == "container://div[@id='UCAP-CONTENT']"
    assert "第十届全国人民代表大会常务委员会第二十八次会议" in result.text


@pytest.mark.parametrize("corpus_page", ["nfra-rendered"], indirect=True)
def test_nfra_hidden_duplicate_is_not_emitted(corpus_page: CorpusPage) -> None:
    result = extract_report(corpus_page.html)
    assert result.text.count("对复星联合健康保险股份有限公司合计罚款158万元") == 1
    assert result.doc_number == "金罚决字〔2024〕36号"


@pytest.mark.parametrize("corpus_page", ["fujian-pingtan-report"], indirect=True)
def test_fujian_report_kind_and_year(corpus_page: CorpusPage) -> None:
    result = extract_report(corpus_page.html)
    assert (result.report_kind, result.report_year) == ("法治政府建设年度报告", 2022)
    assert result.publisher == "平潭综合实验区社会事业局"
