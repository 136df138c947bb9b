"""Chinese encodings with a missing or wrong charset declaration, served over real HTTP:
each decodes to the right characters, in listings and in the archived text."""

from __future__ import annotations

import pytest

from crawler.portal import Portal
from crawler.portal.cases import encoding_sites
from tests.crawler.conftest import Crawler


@pytest.fixture
def encoded(portal: Portal) -> list[str]:
    return [portal.add_site(site).key for site in encoding_sites()]


def test_each_mis_declared_encoding_decodes(
    crawler: Crawler, portal: Portal, encoded: list[str]
) -> None:
    for key in encoded:
        crawler.seed(key)
    crawler.crawl(*encoded)
    for key in encoded:
        site = portal.sites[key]
        page = site.page("notice")
        url = portal.page_url(key, "notice")
        doc = crawler.documents(key)[url]
        assert doc["title"] == page.title, key
        text = crawler.text(url)
        assert page.paragraphs[1] in text, (key, text)  # the line with the telling characters
        assert "\ufffd" not in text and "锟斤拷" not in text, key


def test_the_cases_really_are_mis_declared(portal: Portal, encoded: list[str]) -> None:
    # The bytes on the wire are what the test claims: no declaration, or a wrong one.
    import urllib.request

    seen = {}
    for key in encoded:
        with urllib.request.urlopen(portal.page_url(key, "notice")) as reply:
            seen[key] = (reply.headers.get("Content-Type"), reply.read())
    ctype, body = seen["enc-gbk-undeclared"]
    assert ctype == "text/html" and b"charset" not in body
    ctype, body = seen["enc-gb2312-says-utf8"]
    assert "utf-8" in ctype and b'<meta charset="utf-8">' in body
    body.decode("gb2312")
    ctype, body = seen["enc-gb18030-says-gbk"]
    assert ctype.endswith("charset=gbk")
    with pytest.raises(UnicodeDecodeError):
        body.decode("gbk")  # 䶮 𠮷 € need GB18030
    ctype, _ = seen["enc-gbk-says-latin1"]
    assert ctype.endswith("charset=iso-8859-1")
