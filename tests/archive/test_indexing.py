"""Deferred indexing, on SQLite and PostgreSQL: a crawl archives versions without segmenting
them, and one index pass later makes them searchable and links copies and moves, with the
times of the versions they come from."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from archive import Archive
from archive.indexing import count_due
from archive.models import Document
from archive.queries import DocumentFilter, find_document, history_json, hits_json, query_documents
from archive.timeparse import format_time
from tests.archive.pages import T0, page, report

A = "http://mzj.lanzhou.gov.cn/art/2024/2/2/art_1_1.html"
B = "http://mzj.lanzhou.gov.cn/art/2024/3/1/art_1_2.html"
C = "http://mzt.gansu.gov.cn/art/2024/3/5/art_9_9.html"
DAY = dt.timedelta(days=1)


def found(archive: Archive, words: str) -> list[str]:
    with archive.session() as s:
        return [d["url"] for d in hits_json(s, query_documents(s, DocumentFilter(text=words)))]


def duplicate_of(archive: Archive, url: str) -> int | None:
    with archive.session() as s:
        return find_document(s, url).duplicate_of_id


def due(archive: Archive) -> int:
    with archive.session() as s:
        return count_due(s)


def test_deferred_versions_are_searchable_after_the_index_pass(archive: Archive) -> None:
    archive.record_page(page(A, report(), defer_index=True))
    assert due(archive) == 1
    assert found(archive, "行政复议") == []  # not yet
    assert archive.index_pending() == 1
    assert found(archive, "行政复议") == [A]
    assert due(archive) == 0 and archive.index_pending() == 0  # nothing twice


def test_the_pass_indexes_the_latest_version(archive: Archive) -> None:
    text = report()
    archive.record_page(page(A, text, defer_index=True))
    archive.record_page(page(A, text + "\n另附：行政诉讼应诉清单。", at=T0 + DAY, defer_index=True))
    assert archive.index_pending() == 1
    assert found(archive, "应诉清单") == [A]
    with archive.session() as s:
        assert s.execute(select(Document.indexed_n)).scalar_one() == 2


def test_copies_and_moves_are_linked_by_the_pass_in_first_seen_order(archive: Archive) -> None:
    text = report("weihai-2020-fzzf")
    # the copy on another source is archived, deferred, before anything is indexed
    archive.record_page(page(A, text, defer_index=True))
    archive.record_page(page(C, text, source="t", at=T0 + DAY, defer_index=True))
    # A is withdrawn, and its text reappears at B on the same source
    archive.record_gone(source_id="s", url=A, at=T0 + 2 * DAY, reason="HTTP 404")
    archive.record_page(page(B, text, at=T0 + 3 * DAY, defer_index=True))
    assert archive.index_pending() == 3
    with archive.session() as s:
        a_id = find_document(s, A).id
        moved = history_json(s, find_document(s, B))["events"]
    assert duplicate_of(archive, C) == a_id
    (move,) = [e for e in moved if e["kind"] == "moved"]
    assert move["at"] == format_time(T0 + 3 * DAY)  # dated when B was fetched, not indexed
    assert str(a_id) in move["detail"]


def test_a_document_indexed_elsewhere_is_not_indexed_twice(archive: Archive, db_url: str) -> None:
    archive.record_page(page(A, report(), defer_index=True))
    other = Archive.open(db_url)
    try:
        assert other.index_pending() == 1
        assert archive.index_pending() == 0
    finally:
        other.close()
    with archive.session() as s:
        events = [e["kind"] for e in history_json(s, find_document(s, A))["events"]]
    assert events == ["first_seen"]


def test_sources_limit_the_pass(archive: Archive) -> None:
    archive.record_page(page(A, report(), defer_index=True))
    archive.record_page(page(C, report("jinzhong-2021-fzzf"), source="t", defer_index=True))
    assert archive.index_pending(sources=["t"]) == 1
    assert found(archive, "晋中") == [C] and due(archive) == 1
