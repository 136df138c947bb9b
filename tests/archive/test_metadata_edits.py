"""A page whose 发布日期, title or 文号 changes while its text does not: no new version, but the
edit is kept (with the raw page that showed it) and `--as-of` answers with the value of its
time."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from archive import Archive, Capture, Outcome, PageMeta, PageRecord
from archive.normalize import sha256_hex
from archive.queries import (
    DocumentFilter,
    find_document,
    history_json,
    hits_json,
    query_documents,
)

URL = "http://mzj.example.gov.cn/art/2024/2/2/art_1_1.html"
T0 = dt.datetime(2024, 2, 2, 1, 0, tzinfo=dt.UTC)
TEXT = "市政府：\n一、总体情况。"
META = PageMeta(
    title="关于2023年法治政府建设情况的报告",
    published=dt.date(2024, 2, 2),
    doc_number="兰民字〔2024〕8号",
)


def page(at: dt.datetime, meta: PageMeta, *, text: str = TEXT) -> PageRecord:
    raw = f"<html><h1>{meta.title}</h1><p>{meta.published}</p>{text}</html>".encode()
    return PageRecord(
        capture=Capture(
            source_id="s",
            url=URL,
            fetched_at=at,
            status=200,
            raw=raw,
            raw_sha256=sha256_hex(raw),
            headers={"Content-Type": "text/html"},
        ),
        text=text,
        meta=meta,
    )


def as_of(archive: Archive, at: dt.datetime) -> dict[str, object]:
    with archive.session() as s:
        (hit,) = hits_json(s, query_documents(s, DocumentFilter(as_of=at)))
    return hit


def test_a_backdated_publication_date_is_kept_as_an_edit(archive: Archive) -> None:
    assert archive.record_page(page(T0, META)) is Outcome.NEW_DOCUMENT
    later = T0 + dt.timedelta(days=30)
    backdated = PageMeta(
        title=META.title, published=dt.date(2024, 1, 15), doc_number=META.doc_number
    )
    assert archive.record_page(page(later, backdated)) is Outcome.UNCHANGED
    with archive.session() as s:
        doc = find_document(s, URL)
        history = history_json(s, doc)
        raw_sha = s.execute(sa.text("SELECT raw_sha256 FROM metadata_edits")).scalar_one()
    assert [v["n"] for v in history["versions"]] == [1]  # the text did not change
    (edit,) = history["metadata_edits"]
    assert edit["version"] == 1 and edit["at"].startswith("2024-03-03T")
    assert edit["changes"] == {"published": {"old": "2024-02-02", "new": "2024-01-15"}}
    assert history["document"]["published"] == "2024-01-15"  # what the page says now
    assert archive.raw_bytes(raw_sha) == page(later, backdated).capture.raw  # the evidence
    # as of a day before the edit the page said 2 February; as of a day after, 15 January
    assert as_of(archive, later - dt.timedelta(days=1))["published"] == "2024-02-02"
    assert as_of(archive, later + dt.timedelta(days=1))["published"] == "2024-01-15"


def test_only_real_edits_are_kept(archive: Archive) -> None:
    archive.record_page(page(T0, META))
    # the same metadata again, and a field the page stopped showing: no edit
    archive.record_page(page(T0 + dt.timedelta(days=1), META))
    no_number = PageMeta(title=META.title, published=META.published)
    archive.record_page(page(T0 + dt.timedelta(days=2), no_number))
    retitled = PageMeta(title="兰州市民政局2023年法治政府建设情况报告", published=META.published)
    archive.record_page(page(T0 + dt.timedelta(days=3), retitled))
    with archive.session() as s:
        history = history_json(s, find_document(s, URL))
    assert [e["changes"] for e in history["metadata_edits"]] == [
        {"title": {"old": META.title, "new": retitled.title}}
    ]
    assert history["document"]["doc_number"] == META.doc_number  # kept


def test_an_edit_belongs_to_its_version(archive: Archive) -> None:
    """After a text change, the new version's own metadata stands; an edit of version 1 no
    longer applies to what the page said."""
    archive.record_page(page(T0, META))
    backdated = PageMeta(title=META.title, published=dt.date(2024, 1, 15))
    archive.record_page(page(T0 + dt.timedelta(days=1), backdated))
    redated = PageMeta(title=META.title, published=dt.date(2024, 2, 20))
    changed = archive.record_page(page(T0 + dt.timedelta(days=2), redated, text=TEXT + "\n二、"))
    assert changed is Outcome.NEW_VERSION
    assert as_of(archive, T0 + dt.timedelta(days=1, hours=1))["published"] == "2024-01-15"
    now = as_of(archive, T0 + dt.timedelta(days=3))
    assert now["published"] == "2024-02-20" and now["versions"] == 2
    with archive.session() as s:
        history = history_json(s, find_document(s, URL))
    assert len(history["metadata_edits"]) == 1  # a version's own metadata is not an edit
