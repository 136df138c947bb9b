"""Raw responses and attachments are stored once per distinct content, zstd-compressed, on
both backends, and every version keeps the sha256 of the raw bytes it came from."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from archive import Archive, AttachmentFile
from archive.normalize import sha256_hex
from archive.queries import find_document, get_version
from tests.archive.pages import T0, page, report

A = "http://mzj.lanzhou.gov.cn/art/2024/2/2/art_1_1.html"
B = "http://mzj.lanzhou.gov.cn/art/2024/2/3/art_1_2.html"


def blob_rows(archive: Archive) -> list[tuple[str, int, int, str]]:
    with archive.session() as s:
        rows = s.execute(sa.text("SELECT sha256, size, length(data), codec FROM blobs")).all()
    return [tuple(r) for r in rows]


def test_an_attachment_linked_from_two_pages_is_stored_once(archive: Archive) -> None:
    archive.record_page(page(A, "甲。", raw=b"<html>a</html>"))
    archive.record_page(page(B, "乙。", raw=b"<html>b</html>"))
    pdf = b"%PDF-1.4 " + "附件正文".encode() * 500
    for url in (A, B):
        archive.record_attachment(
            AttachmentFile(
                source_id="s",
                document_url=url,
                url=url.replace(".html", ".pdf"),
                name="附件.pdf",
                data=pdf,
                fetched_at=T0,
                content_type="application/pdf",
            )
        )
    stored = {sha: (size, length, codec) for sha, size, length, codec in blob_rows(archive)}
    assert len(stored) == 3  # two pages, one attachment
    size, length, codec = stored[sha256_hex(pdf)]
    assert (size, codec) == (len(pdf), "zstd") and length < len(pdf) / 10
    assert archive.raw_bytes(sha256_hex(pdf)) == pdf


def test_each_version_keeps_its_raw_response(archive: Archive) -> None:
    raws = [f"<html><div id=zoom>{report()[:500]}{i}</div></html>".encode() for i in range(3)]
    for i, raw in enumerate(raws):
        archive.record_page(page(A, report()[:500] + str(i), raw=raw, at=T0 + dt.timedelta(days=i)))
    with archive.session() as s:
        doc = find_document(s, A)
        kept = [get_version(s, doc, n) for n in (1, 2, 3)]
    assert [v.raw_sha256 for v in kept if v] == [sha256_hex(r) for r in raws]
    assert [archive.raw_bytes(sha256_hex(r)) for r in raws] == raws


def test_new_bytes_with_the_same_text_store_no_blob(archive: Archive) -> None:
    archive.record_page(page(A, "正文。", raw=b"<html>visits: 1</html>"))
    archive.record_page(page(A, "正文。", raw=b"<html>visits: 2</html>", at=T0 + dt.timedelta(1)))
    assert len(blob_rows(archive)) == 1
