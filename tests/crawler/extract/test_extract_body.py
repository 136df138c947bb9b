"""Body paths: containers per family, hidden copies, stray </html>, trafilatura fallback."""

from __future__ import annotations

from crawler.extract import extract_report

REPORT = "".join(
    f"<p>（{n}）民政法治建设工作取得良好成效，现将有关情况报告如下，请审阅并提出意见。</p>"
    for n in "一二三四五六"
)


def test_hanweb_container_hint_and_widgets_inside_it() -> None:
    html = (
        "<html><body><div id='zoom'><p>市政府：</p>" + REPORT + "<div id='div_div'>"
        "<div id='qr_container'>扫一扫在手机打开当前页</div></div><p>兰州市民政局</p>"
        "<p>2024年2月2日</p></div></body></html>"
    )
    result = extract_report(html, cms="hanweb")
    assert result.method == "container://div[@id='zoom']"
    lines = result.text.splitlines()
    assert lines[0] == "市政府：" and lines[-2:] == ["兰州市民政局", "2024年2月2日"]
    assert "扫一扫" not in result.text


def test_hidden_container_copy_is_skipped() -> None:
    html = (
        "<html><body><div class='ng-hide'><div class='TRS_Editor'><p>旧稿副本。</p>"
        + REPORT
        + "</div></div><div class='TRS_Editor'><p>正式稿。</p>"
        + REPORT
        + "</div></body></html>"
    )
    result = extract_report(html, cms="trs")
    assert "正式稿。" in result.text and "旧稿副本" not in result.text
    assert result.text.count("（一）") == 1


def test_stray_closing_html_tag() -> None:
    html = (
        "<html><head><title>决议</title></head><body><div class='header'>首页 | 登录</div>"
        "</body></html><!--end header--><div id='UCAP-CONTENT'>" + REPORT + "</div></body></html>"
    )
    result = extract_report(html)
    assert result.method == "container://div[@id='UCAP-CONTENT']"
    assert result.text.count("民政法治建设") == 6


def test_empty_container_falls_back_to_trafilatura() -> None:
    html = (
        "<html><head><title>报告</title></head><body><div id='zoom'></div>"
        "<div class='main'><h2>报告</h2>" + REPORT + "</div></body></html>"
    )
    result = extract_report(html)
    assert result.method.startswith("trafilatura")
    assert result.text.count("民政法治建设") == 6
    assert result.text.splitlines()[0] != "报告"  # the repeated title heading is dropped


def test_short_page_uses_a_fallback() -> None:
    html = "<html><body><div class='x'><span>仅此一句通知。</span></div></body></html>"
    result = extract_report(html)
    assert result.text == "仅此一句通知。"
    assert result.method in {"trafilatura-recall", "fallback-baseline", "trafilatura-precision"}


def test_shell_page_has_empty_text() -> None:
    html = "<html><head><script>$_ts={};</script></head><body><script>load()</script></body></html>"
    result = extract_report(html)
    assert (result.text, result.method) == ("", "empty")


def test_full_width_punctuation_is_kept() -> None:
    html = "<html><body><div id='zoom'><p>１．坚持问题导向（试行）：“一网通办”。</p></div></body>"
    assert extract_report(html).text == "１．坚持问题导向（试行）：“一网通办”。"
