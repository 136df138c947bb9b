"""Archive writes on SQLite and PostgreSQL: versions only on real change, gone/back events,
runs, blobs stored once, and refusing a database newer than the code."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from archive import (
    Archive,
    AttachmentRef,
    Capture,
    Outcome,
    PageMeta,
    PageRecord,
    RunCounts,
    SchemaTooNew,
    SourceInfo,
)
from archive.db import create_archive_engine, ensure_schema
from archive.normalize import sha256_hex
from archive.queries import find_document, find_runs, history_json, version_as_of

URL = "http://mzj.example.gov.cn/art/2024/2/2/art_1_1.html"
T0 = dt.datetime(2024, 2, 2, 1, 0, tzinfo=dt.UTC)


def record(
    text: str,
    *,
    at: dt.datetime,
    raw: bytes | None = None,
    run_id: int | None = None,
    title: str = "关于2023年法治政府建设情况的报告",
) -> PageRecord:
    body = raw if raw is not None else f"<html>{text}</html>".encode()
    return PageRecord(
        capture=Capture(
            source_id="s",
            url=URL,
            fetched_at=at,
            status=200,
            raw=body,
            raw_sha256=sha256_hex(body),
            headers={"Content-Type": "text/html"},
            etag='"e1"',
        ),
        text=text,
        meta=PageMeta(title=title, published=dt.date(2024, 2, 2), doc_number="兰民字〔2024〕8号"),
        attachments=(AttachmentRef(name="附件.pdf", url="http://mzj.example.gov.cn/a.pdf"),),
        run_id=run_id,
    )


@pytest.fixture
def archive(db_url: str) -> Archive:
    a = Archive.open(db_url)
    a.sync_sources([SourceInfo(id="s", name="测试来源", cms="hanweb")])
    yield a
    a.close()


def test_versions_only_when_normalised_text_changes(archive: Archive) -> None:
    assert archive.record_page(record("市政府：\n一、总体情况。", at=T0)) is Outcome.NEW_DOCUMENT
    # whitespace, full-width spaces and zero-width characters are not changes
    same = "市政府：\u3000\n\n一、总体情况。\u200b  "
    later = T0 + dt.timedelta(days=1)
    assert archive.record_page(record(same, at=later)) is Outcome.UNCHANGED
    # punctuation is: "。" to "；" is a real edit
    edited = "市政府：\n一、总体情况；"
    assert archive.record_page(record(edited, at=T0 + dt.timedelta(days=2))) is Outcome.NEW_VERSION
    with archive.session() as s:
        doc = find_document(s, URL)
        assert doc.version_count == 2
        assert doc.last_seen_at == T0 + dt.timedelta(days=2)
        assert doc.first_seen_at == T0
        hist = history_json(s, doc)
    assert [v["n"] for v in hist["versions"]] == [1, 2]
    assert [e["kind"] for e in hist["events"]] == ["first_seen", "changed"]
    assert hist["document"]["attachments"] == [
        {"name": "附件.pdf", "url": "http://mzj.example.gov.cn/a.pdf"}
    ]


def test_gone_then_back_without_a_new_version(archive: Archive) -> None:
    archive.record_page(record("正文。", at=T0))
    gone_at = T0 + dt.timedelta(days=3)
    assert archive.record_gone(source_id="s", url=URL, at=gone_at, reason="HTTP 404")
    assert not archive.record_gone(source_id="s", url=URL, at=gone_at, reason="HTTP 404")
    back = archive.record_page(record("正文。", at=T0 + dt.timedelta(days=5)))
    assert back is Outcome.BACK
    with archive.session() as s:
        doc = find_document(s, URL)
        kinds = [(e["kind"], e["version"]) for e in history_json(s, doc)["events"]]
        assert doc.status == "live" and doc.version_count == 1
    assert kinds == [("first_seen", 1), ("gone", 1), ("back", 1)]


def test_back_with_changed_text_writes_a_version(archive: Archive) -> None:
    archive.record_page(record("正文。", at=T0))
    archive.record_gone(source_id="s", url=URL, at=T0 + dt.timedelta(days=1), reason="410")
    out = archive.record_page(record("正文已修改。", at=T0 + dt.timedelta(days=2)))
    assert out is Outcome.BACK_CHANGED
    with archive.session() as s:
        kinds = [e["kind"] for e in history_json(s, find_document(s, URL))["events"]]
    assert kinds == ["first_seen", "gone", "back", "changed"]


def test_as_of_returns_the_version_current_then(archive: Archive) -> None:
    archive.record_page(record("第一版。", at=T0))
    archive.record_page(record("第二版。", at=T0 + dt.timedelta(days=10)))
    with archive.session() as s:
        doc = find_document(s, URL)
        assert version_as_of(s, doc, T0 - dt.timedelta(seconds=1)) is None
        assert version_as_of(s, doc, T0).text == "第一版。"
        assert version_as_of(s, doc, T0 + dt.timedelta(days=9)).text == "第一版。"
        assert version_as_of(s, doc, T0 + dt.timedelta(days=10)).text == "第二版。"


def test_raw_bytes_are_stored_once_and_compressed(archive: Archive) -> None:
    raw = ("<html><body>" + "法治政府建设" * 2000 + "</body></html>").encode()
    archive.record_page(record("甲。", at=T0, raw=raw))
    archive.record_page(record("乙。", at=T0 + dt.timedelta(hours=1), raw=raw))
    with archive.session() as s:
        size, stored = s.execute(sa.text("SELECT size, length(data) FROM blobs")).one()
        count = s.execute(sa.text("SELECT count(*) FROM blobs")).scalar_one()
    assert count == 1 and size == len(raw) and stored < len(raw) / 10
    assert archive.raw_bytes(sha256_hex(raw)) == raw


def test_runs_are_listed_with_counts_and_problems(archive: Archive) -> None:
    run = archive.start_run("s")
    archive.add_problem(run, url=URL, kind="timeout", message="timed out after 30 s")
    archive.finish_run(
        run, status="ok", counts=RunCounts(pages=3, new_documents=2, errors=1), message="3 pages"
    )
    with archive.session() as s:
        (r,) = find_runs(s, "s")
    assert r["status"] == "ok" and r["pages"] == 3 and r["new_documents"] == 2
    assert r["problems"] == [{"url": URL, "kind": "timeout", "message": "timed out after 30 s"}]
    assert r["finished_at"].endswith("+08:00")
    with pytest.raises(ValueError):
        archive.finish_run(run, status="great", counts=RunCounts())


def test_stale_running_runs_are_closed_as_failed(archive: Archive) -> None:
    run = archive.start_run("s", at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=3))
    fresh = archive.start_run("s")
    assert archive.abandon_stale_runs("s", older_than=dt.timedelta(hours=2)) == 1
    with archive.session() as s:
        status = {r["id"]: r["status"] for r in find_runs(s, "s")}
    assert status == {run: "failed", fresh: "running"}


def test_refuses_a_database_newer_than_the_code(db_url: str) -> None:
    engine = create_archive_engine(db_url)
    ensure_schema(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999_future'"))
    with pytest.raises(SchemaTooNew, match="9999_future"):
        ensure_schema(engine)
    engine.dispose()


def test_naive_datetimes_are_refused(archive: Archive) -> None:
    with pytest.raises(Exception, match="naive datetime"):
        archive.record_page(record("甲。", at=dt.datetime(2024, 1, 1)))
