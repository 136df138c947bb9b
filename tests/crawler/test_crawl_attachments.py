"""Attachments over real HTTP: the 广西 report's real DOCX and PDF are downloaded, stored
content-addressed, read (python-docx, pdfminer.six) and listed on their document."""

from __future__ import annotations

import hashlib

from crawler.portal import Portal
from tests.crawler.conftest import Crawler, problems

SITE = "gx-mzt"


def attachment_rows(crawler: Crawler) -> dict[str, object]:
    rows = crawler.rows(
        "SELECT a.url, a.name, a.blob_sha256, a.content_type, a.text, b.size "
        "FROM attachments a LEFT JOIN blobs b ON b.sha256 = a.blob_sha256"
    )
    return {r.url: r for r in rows}


def test_attachments_are_stored_read_and_listed(crawler: Crawler, portal: Portal) -> None:
    crawler.seed(SITE)
    crawler.crawl(SITE)
    report = portal.page(SITE, "report")
    site = portal.sites[SITE]
    urls = {
        f.filename: portal.url(SITE, site.attachment_path(report, f.filename))
        for f in report.attachments
    }
    files = {f.filename: f for f in report.attachments}
    # listed on the document, by name and URL
    doc = crawler.documents(SITE)[portal.page_url(SITE, "report")]
    assert [(a["name"], a["url"]) for a in doc["attachments"]] == [
        (files["gzfa.docx"].name, urls["gzfa.docx"]),
        (files["rwfg.pdf"].name, urls["rwfg.pdf"]),
    ]
    rows = attachment_rows(crawler)
    docx, pdf = rows[urls["gzfa.docx"]], rows[urls["rwfg.pdf"]]
    # stored content-addressed: the blob is named by the file's own sha256
    assert docx.blob_sha256 == hashlib.sha256(files["gzfa.docx"].data).hexdigest()
    assert pdf.blob_sha256 == hashlib.sha256(files["rwfg.pdf"].data).hexdigest()
    # and read
    assert docx.text.split("\n") == report.paragraphs[:3]
    assert pdf.text == "Task allocation table\n31 tasks, 12 lead units"
    assert pdf.content_type == "application/pdf"
    assert "2 attachments" in crawler.last_run(SITE)["message"]


def test_attachments_of_an_unchanged_page_are_not_fetched_again(
    crawler: Crawler, portal: Portal
) -> None:
    crawler.seed(SITE)
    crawler.crawl(SITE)
    crawler.crawl(SITE)
    files = [h.path for h in portal.sites[SITE].hits if "/files/" in h.path]
    assert sorted(files) == ["/xxgk/fzzfjs/files/gzfa.docx", "/xxgk/fzzfjs/files/rwfg.pdf"]


def test_an_attachment_over_the_size_cap_is_an_error_not_a_truncated_file(
    crawler: Crawler, portal: Portal
) -> None:
    crawler.seed(SITE, max_size_mb=0.5)
    portal.fault(SITE, "/xxgk/fzzfjs/files/rwfg.pdf", "huge", size=800_000)
    crawler.crawl(SITE)
    run = crawler.last_run(SITE)
    (big,) = problems(run, "attachment-too-large")
    assert big["url"].endswith("/files/rwfg.pdf") and "max_size_mb=0.5" in big["message"]
    rows = attachment_rows(crawler)
    pdf = next(r for u, r in rows.items() if u.endswith("rwfg.pdf"))
    docx = next(r for u, r in rows.items() if u.endswith("gzfa.docx"))
    assert pdf.blob_sha256 is None and pdf.text is None  # listed, never stored cut short
    assert docx.blob_sha256 is not None
    assert run["status"] == "ok"


def test_a_missing_attachment_is_a_problem_and_the_page_is_archived(
    crawler: Crawler, portal: Portal
) -> None:
    crawler.seed(SITE)
    portal.fault(SITE, "/xxgk/fzzfjs/files/gzfa.docx", "status", status=404)
    crawler.crawl(SITE)
    run = crawler.last_run(SITE)
    (missing,) = problems(run, "attachment-http")
    assert missing["url"].endswith("/files/gzfa.docx") and "404" in missing["message"]
    assert portal.page_url(SITE, "report") in crawler.documents(SITE)
