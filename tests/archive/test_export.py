"""`gongkai export` on both backends: JSON Lines, CSV, and WARC that warcio reads back record
for record, with the original headers, capture times and the stored raw bytes."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from archive import Archive, AttachmentFile
from archive.queries import find_document, get_version
from scheduler.cli.main import main
from tests.archive.pages import T0, page, report

A = "http://mzj.lanzhou.gov.cn/art/2024/2/2/art_1_1.html"
B = "http://mzj.lanzhou.gov.cn/art/2024/1/20/art_1_2.html"
PDF = "http://mzj.lanzhou.gov.cn/files/a.pdf"
DAY = dt.timedelta(days=1)
HEADERS = {
    "Content-Type": "text/html; charset=utf-8",
    "Last-Modified": "Fri, 02 Feb 2024 00:00:00 GMT",
    "ETag": '"abc"',
    "Content-Encoding": "gzip",  # Scrapy decoded the body; the export must not claim gzip
    "Content-Length": "999",
}


@pytest.fixture
def filled(archive: Archive, db_url: str) -> tuple[Archive, str]:
    text = report()
    raw1 = f"<html><body><div id=zoom>{text}</div></body></html>".encode()
    raw2 = raw1.replace("46次".encode(), "48次".encode())
    archive.record_page(page(A, text, raw=raw1, headers=HEADERS, doc_number="兰民字〔2024〕8号"))
    archive.record_page(
        page(A, text.replace("46次", "48次"), raw=raw2, headers=HEADERS, at=T0 + DAY)
    )
    archive.record_page(page(B, "通知正文。", title="通知", at=T0 + 2 * DAY))
    archive.record_attachment(
        AttachmentFile(
            source_id="s",
            document_url=A,
            url=PDF,
            name="附件.pdf",
            data=b"%PDF-1.4 test",
            fetched_at=T0 + DAY,
            content_type="application/pdf",
        )
    )
    return archive, db_url


def export(db_url: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["export", "--db", db_url, *args])
    return result.exit_code, result.output


def test_warc_holds_every_version_as_its_original_response(
    filled: tuple[Archive, str], tmp_path: Path
) -> None:
    archive, db = filled
    out = tmp_path / "archive.warc.gz"
    code, said = export(db, "--format", "warc", "--out", str(out))
    assert code == 0, said
    assert "2 documents (3 versions, 1 attachments)" in said
    with out.open("rb") as handle:
        records = [
            (r.rec_type, r.rec_headers, r.http_headers, r.content_stream().read())
            for r in ArchiveIterator(handle)
        ]
    assert records[0][0] == "warcinfo"
    responses = [r for r in records if r[0] == "response"]
    pages = [r for r in responses if r[1].get_header("WARC-Target-URI") == A]
    assert len(pages) == 2
    for n, (_, warc, http, payload) in enumerate(pages, start=1):
        with archive.session() as s:
            v = get_version(s, find_document(s, A), n)
        assert v is not None
        assert payload == archive.raw_bytes(v.raw_sha256 or "")
        assert warc.get_header("WARC-Date") == v.fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert http.get_statuscode() == "200"
        assert http.get_header("Content-Type") == "text/html; charset=utf-8"
        assert http.get_header("Last-Modified") == "Fri, 02 Feb 2024 00:00:00 GMT"
        assert http.get_header("ETag") == '"abc"'
        assert http.get_header("Content-Encoding") is None
        assert http.get_header("Content-Length") == str(len(payload))
        assert warc.get_header("WARC-Payload-Digest").startswith("sha1:")
    assert "48次".encode() in pages[1][3] and "46次".encode() in pages[0][3]
    # a metadata record refers to each page response and carries the extracted text
    metadata = {
        r[1].get_header("WARC-Refers-To"): json.loads(r[3]) for r in records if r[0] == "metadata"
    }
    second = metadata[pages[1][1].get_header("WARC-Record-ID")]
    assert second["version"]["n"] == 2 and "48次" in second["text"]
    assert second["document"]["doc_number"] == "兰民字〔2024〕8号"
    # the attachment is a response of its own
    (pdf,) = [r for r in responses if r[1].get_header("WARC-Target-URI") == PDF]
    assert pdf[3] == b"%PDF-1.4 test" and pdf[2].get_header("Content-Type") == "application/pdf"


def test_warc_record_ids_are_stable_across_exports(
    filled: tuple[Archive, str], tmp_path: Path
) -> None:
    _, db = filled
    ids = []
    for name in ("one.warc", "two.warc"):
        assert export(db, "--format", "warc", "--out", str(tmp_path / name))[0] == 0
        with (tmp_path / name).open("rb") as handle:
            ids.append(
                [r.rec_headers.get_header("WARC-Record-ID") for r in ArchiveIterator(handle)][1:]
            )
    assert ids[0] == ids[1]
    assert not (tmp_path / "one.warc").read_bytes().startswith(b"\x1f\x8b")  # not gzipped


def test_jsonl_gives_each_documents_current_version_and_text(
    filled: tuple[Archive, str], tmp_path: Path
) -> None:
    _, db = filled
    out = tmp_path / "docs.jsonl"
    assert export(db, "--format", "jsonl", "--out", str(out))[0] == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    by_url = {line["url"]: line for line in lines}
    assert set(by_url) == {A, B}
    assert by_url[A]["version"]["n"] == 2 and "48次" in by_url[A]["text"]
    assert by_url[A]["attachments"] == [{"name": "附件.pdf", "url": PDF}]
    # all versions, as the archive stood on day 0
    assert export(db, "--format", "jsonl", "--out", str(out), "--versions", "all")[0] == 0
    assert [json.loads(x)["version"]["n"] for x in out.read_text("utf-8").splitlines()] == [1, 2, 1]
    assert export(db, "--format", "jsonl", "--out", str(out), "--as-of", T0.isoformat())[0] == 0
    (only,) = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    assert only["url"] == A and only["version"]["n"] == 1 and "46次" in only["text"]


def test_csv_takes_the_query_filters(filled: tuple[Archive, str], tmp_path: Path) -> None:
    _, db = filled
    out = tmp_path / "docs.csv"
    code, _ = export(db, "--format", "csv", "--out", str(out), "--text", "行政复议")
    assert code == 0
    with out.open(encoding="utf-8", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["url"] == A and row["version"] == "2" and row["doc_number"] == "兰民字〔2024〕8号"
    assert "\n" in row["text"] and row["attachments"] == f"附件.pdf <{PDF}>"


def test_a_failed_export_leaves_no_file(filled: tuple[Archive, str], tmp_path: Path) -> None:
    _, db = filled
    folder = tmp_path / "out"
    folder.mkdir()
    code, said = export(db, "--format", "jsonl", "--out", str(folder / "x.jsonl"), "--text", "。")
    assert code == 2 and "--text" in said
    assert list(folder.iterdir()) == []
    code, said = export(db, "--format", "jsonl", "--out", str(tmp_path / "no" / "x.jsonl"))
    assert code == 2 and "--out" in said and "does not exist" in said


def test_gzip_warc_is_gzip(filled: tuple[Archive, str], tmp_path: Path) -> None:
    _, db = filled
    out = tmp_path / "a.warc.gz"
    assert export(db, "--format", "warc", "--out", str(out), "--source", "s")[0] == 0
    assert gzip.decompress(out.read_bytes()).startswith(b"WARC/1.0")
