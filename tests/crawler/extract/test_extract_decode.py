"""decode_html: BOM, head meta, header unless latin-1, detection; GB2312/GBK read as GB18030."""

from __future__ import annotations

import codecs

import pytest

from crawler.extract import decode_html

TEXT = "兰州市民政局关于2023年法治政府建设情况的报告。朱镕基、王堃在会上讲话。"


def _page(head: str = "", body: str = "") -> str:
    return f"<html><head>{head}<title>报告</title></head><body>{body}<p>{TEXT}</p></body></html>"


def test_gbk_page_without_any_charset() -> None:
    text, encoding = decode_html(_page().encode("gbk"))
    assert (TEXT in text, encoding) == (True, "gb18030")


def test_gb2312_declared_is_decoded_as_gb18030() -> None:
    body = _page('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">').encode(
        "gbk"
    )
    with pytest.raises(UnicodeDecodeError):
        body.decode("gb2312")  # 镕 and 堃 are outside GB2312
    text, encoding = decode_html(body)
    assert encoding == "gb18030"
    assert "朱镕基、王堃" in text


def test_gbk_in_header_is_decoded_as_gb18030() -> None:
    text, encoding = decode_html(_page().encode("gbk"), content_type="text/html; charset=GBK")
    assert (TEXT in text, encoding) == (True, "gb18030")


def test_wrong_header_charset_loses_to_the_bytes() -> None:
    text, encoding = decode_html(_page().encode("utf-8"), content_type="text/html; charset=gbk")
    assert (TEXT in text, encoding) == (True, "utf-8")


def test_wrong_meta_charset_loses_to_the_bytes() -> None:
    body = _page('<meta charset="utf-8">').encode("gbk")
    text, encoding = decode_html(body)
    assert (TEXT in text, encoding) == (True, "gb18030")


@pytest.mark.parametrize("header", ["text/html; charset=ISO-8859-1", "text/html;charset=latin-1"])
def test_iso_8859_1_header_is_ignored(header: str) -> None:
    assert decode_html(_page().encode("utf-8"), content_type=header) == (
        _page(),
        "utf-8",
    )
    text, encoding = decode_html(_page().encode("gbk"), content_type=header)
    assert (TEXT in text, encoding) == (True, "gb18030")


def test_meta_in_head_beats_header() -> None:
    body = _page('<meta charset="gb18030">').encode("gb18030")
    text, encoding = decode_html(body, content_type="text/html; charset=big5")
    assert (TEXT in text, encoding) == (True, "gb18030")


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ],
)
def test_bom_wins(bom: bytes, codec: str) -> None:
    body = bom + _page('<meta charset="gbk">').encode(codec)
    text, encoding = decode_html(body, content_type="text/html; charset=gbk")
    assert encoding == codec
    assert text == _page('<meta charset="gbk">')


def test_inner_word_export_meta_is_ignored() -> None:
    word = (
        '<div><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><p>正文</p></div>'
    )
    body = _page('<meta charset="UTF-8">', word).encode("utf-8")
    assert decode_html(body) == (_page('<meta charset="UTF-8">', word), "utf-8")
    no_head_meta = _page("", word).encode("utf-8")
    assert decode_html(no_head_meta)[1] == "utf-8"


def test_bad_bytes_never_raise() -> None:
    body = _page('<meta charset="gbk">').encode("gbk") + b"\xff\xfe\x81"
    text, encoding = decode_html(body)
    assert TEXT in text
    assert isinstance(encoding, str)
    assert decode_html(b"")[0] == ""
