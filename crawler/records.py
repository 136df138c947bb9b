"""The archive's view of what the crawler fetched: PageRecord and AttachmentFile values."""

from __future__ import annotations

from typing import TYPE_CHECKING

from archive import AttachmentFile, AttachmentRef, Capture, PageMeta, PageRecord
from crawler.items import FetchedAttachment, FetchedPage

if TYPE_CHECKING:
    from crawler.workers import PageWork


def lower_headers(headers: dict[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}


def page_record(item: FetchedPage, work: PageWork, *, raw_sha256: str, run_id: int) -> PageRecord:
    """An extracted page, with its capture, metadata, attachment links and index fields."""
    extraction = work.extraction
    headers = lower_headers(item.headers)
    return PageRecord(
        capture=Capture(
            source_id=item.source_id,
            url=item.url,
            fetched_at=item.fetched_at,
            status=item.status,
            raw=item.body,
            raw_sha256=raw_sha256,
            headers=item.headers,
            etag=headers.get("etag"),
            last_modified=headers.get("last-modified"),
        ),
        text=extraction.text,
        meta=PageMeta(
            title=extraction.title or item.listed_title,
            published=extraction.published,
            written=extraction.written,
            doc_number=extraction.doc_number,
            index_number=extraction.index_number,
            publisher=extraction.publisher,
            report_kind=extraction.report_kind,
            report_year=extraction.report_year,
        ),
        attachments=tuple(AttachmentRef(name=a.name, url=a.url) for a in extraction.attachments),
        run_id=run_id,
        defer_index=True,  # jieba runs once, in the index pass after the crawl
    )


def attachment_file(item: FetchedAttachment, *, text: str | None) -> AttachmentFile:
    """A downloaded attachment with the text read from it."""
    return AttachmentFile(
        source_id=item.source_id,
        document_url=item.document_url,
        url=item.url,
        name=item.name,
        data=item.body,
        fetched_at=item.fetched_at,
        content_type=item.content_type,
        text=text,
    )
