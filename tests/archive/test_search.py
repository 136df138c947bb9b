"""Full-text search on SQLite (FTS5) and PostgreSQL (tsvector + GIN) over jieba words: every
word must occur; 文号 and figures are words; hits carry a snippet; the index follows the
latest version; --as-of searches the text as it stood then."""

from __future__ import annotations

import datetime as dt

import pytest

from archive import Archive, BadQuery
from archive.queries import DocumentFilter, hits_json, query_documents
from tests.archive.pages import T0, page, report

LANZHOU = "http://mzj.lanzhou.gov.cn/art/2024/2/2/art_1_1.html"
NOTICE = "http://mzj.lanzhou.gov.cn/art/2024/1/20/art_1_2.html"
OTHER = "http://mzt.gansu.gov.cn/art/2023/1/1/art_9_9.html"
DAY = dt.timedelta(days=1)


@pytest.fixture
def filled(archive: Archive) -> Archive:
    archive.record_page(page(LANZHOU, report(), doc_number="兰民字〔2024〕8号"))
    archive.record_page(
        page(
            NOTICE,
            "为进一步加强社会救助资金监管，现公告如下：\n全年累计发放城乡低保金3041.1万元，"
            "保障困难群众1237人次。\n监督电话：12345。",
            title="关于公布2023年度社会救助资金使用情况的公告",
        )
    )
    archive.record_page(
        page(OTHER, report("weihai-2020-fzzf"), source="t", title="威海市民政局2020年报告")
    )
    return archive


def search(archive: Archive, words: str, **kw: object) -> list[dict[str, object]]:
    with archive.session() as s:
        return hits_json(s, query_documents(s, DocumentFilter(text=words, **kw)))  # type: ignore[arg-type]


def urls(hits: list[dict[str, object]]) -> set[object]:
    return {h["url"] for h in hits}


def test_a_government_term_finds_the_documents_that_use_it(filled: Archive) -> None:
    hits = search(filled, "行政复议")
    assert urls(hits) == {LANZHOU, OTHER}
    for hit in hits:
        assert "行政复议" in str(hit["snippet"])
        assert "\n" not in str(hit["snippet"])


def test_every_word_must_occur(filled: Archive) -> None:
    assert urls(search(filled, "低保金")) == {NOTICE}
    assert urls(search(filled, "低保金 行政复议")) == set()
    assert urls(search(filled, "行政复议 兰州")) == {LANZHOU}


def test_doc_numbers_and_figures_are_words(filled: Archive) -> None:
    assert urls(search(filled, "兰民字〔2024〕8号")) == {LANZHOU}
    assert urls(search(filled, "1237人次")) == {NOTICE}
    assert urls(search(filled, "1237")) == {NOTICE}
    assert urls(search(filled, "1682人次")) == {LANZHOU}  # 救助流浪乞讨人员1682人次
    assert urls(search(filled, "3041.1万元")) == {NOTICE}


def test_a_word_inside_a_longer_word_is_found(filled: Archive) -> None:
    # the text says 法治政府建设; 法治政府 and 建设 are both words inside it
    assert LANZHOU in urls(search(filled, "法治政府"))


def test_titles_are_searched(filled: Archive) -> None:
    assert urls(search(filled, "资金使用情况")) == {NOTICE}


def test_the_index_follows_the_latest_version(filled: Archive) -> None:
    filled.record_page(
        page(NOTICE, "本公告已更正：保障困难群众1238人次。", at=T0 + DAY, title="更正公告")
    )
    assert urls(search(filled, "1237人次")) == set()
    assert urls(search(filled, "1238人次")) == {NOTICE}
    assert urls(search(filled, "更正")) == {NOTICE}
    # as it stood before the correction, the old figure is there and the new one is not
    before = T0 + dt.timedelta(hours=1)
    assert urls(search(filled, "1237人次", as_of=before)) == {NOTICE}
    assert urls(search(filled, "1238人次", as_of=before)) == set()


def test_a_new_title_alone_is_reindexed(filled: Archive) -> None:
    filled.record_page(
        page(OTHER, report("weihai-2020-fzzf"), source="t", at=T0 + DAY, title="台风防御工作汇编")
    )
    assert urls(search(filled, "台风")) == {OTHER}
    with filled.session() as s:
        (hit,) = query_documents(s, DocumentFilter(source="t"))
        assert hit.document.version_count == 1  # the text did not change


def test_ascii_letters_match_whatever_their_case(archive: Archive) -> None:
    archive.record_page(page(LANZHOU, "推进OFD版式文件和PDF附件的公开。"))
    assert urls(search(archive, "pdf")) == {LANZHOU}
    assert urls(search(archive, "Ofd")) == {LANZHOU}


def test_search_combines_with_filters_and_limit(filled: Archive) -> None:
    assert urls(search(filled, "行政复议", source="t")) == {OTHER}
    assert len(search(filled, "行政复议", limit=1)) == 1


def test_a_query_with_no_words_is_a_bad_query(filled: Archive) -> None:
    with pytest.raises(BadQuery, match="--text"):
        search(filled, "，。！")
