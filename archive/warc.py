"""WARC writing: each archived version as the HTTP response it was, for pywb or ReplayWeb.page.

Per version, a `response` record: the document's URL, the capture time, the status and the
original headers, and the raw bytes as stored. The archive stores bodies decoded (Scrapy
undoes gzip and chunking), so Content-Encoding and Transfer-Encoding are dropped and
Content-Length is set to the stored length; a replay tool would otherwise try to un-gzip
plain HTML. A `metadata` record refers to it and carries what gongkai extracted (text,
metadata, hashes). Attachments are `response` records with the content type they were
served with. Record ids are derived from the document, version and URL, so exporting the
same archive twice gives the same ids.
"""

from __future__ import annotations

import datetime as dt
import http
import io
import json
import uuid
from dataclasses import dataclass, field
from typing import IO, Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

# Headers that describe a transfer encoding the stored body no longer has.
_DROPPED = {"content-encoding", "transfer-encoding", "content-length"}
_IDS = uuid.UUID("6f1c3b1e-8d4a-4c1f-9a57-676f6e676b61")


@dataclass(frozen=True, kw_only=True)
class WarcCapture:
    """One stored response to write: a page version or an attachment."""

    url: str
    fetched_at: dt.datetime
    status: int
    headers: dict[str, str]
    body: bytes
    key: str  # what the record id is derived from
    metadata: dict[str, Any] | None = field(default=None)


def record_id(key: str) -> str:
    """A stable WARC-Record-ID for a key.

    >>> record_id("document/1/version/2")
    '<urn:uuid:7c179ba7-129c-54f8-8458-0dc4b08739f3>'
    """
    return f"<urn:uuid:{uuid.uuid5(_IDS, key)}>"


def replay_headers(headers: dict[str, str], body_length: int) -> list[tuple[str, str]]:
    """The original headers, fixed to describe the stored (decoded) body.

    >>> replay_headers({"Content-Type": "text/html", "Content-Encoding": "gzip"}, 10)
    [('Content-Type', 'text/html'), ('Content-Length', '10')]
    """
    kept = [(k, v) for k, v in headers.items() if k.lower() not in _DROPPED]
    return [*kept, ("Content-Length", str(body_length))]


def _status_line(status: int) -> str:
    try:
        return f"{status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


class ArchiveWarcWriter:
    """Writes captures as WARC records to a binary stream (gzip per record if asked)."""

    def __init__(self, stream: IO[bytes], *, gzip: bool, software: str) -> None:
        self._writer = WARCWriter(stream, gzip=gzip)
        self.records = 0
        info = self._writer.create_warcinfo_record(
            "gongkai-export", {"software": software, "format": "WARC File Format 1.0"}
        )
        self._writer.write_record(info)

    def write(self, capture: WarcCapture) -> None:
        """A response record, and a metadata record that refers to it if there is metadata."""
        response_id = record_id(capture.key)
        date = datetime_to_iso_date(capture.fetched_at.astimezone(dt.UTC).replace(tzinfo=None))
        http_headers = StatusAndHeaders(
            _status_line(capture.status),
            replay_headers(capture.headers, len(capture.body)),
            protocol="HTTP/1.1",
        )
        response = self._writer.create_warc_record(
            capture.url,
            "response",
            payload=io.BytesIO(capture.body),
            length=len(capture.body),
            http_headers=http_headers,
            warc_headers_dict={"WARC-Record-ID": response_id, "WARC-Date": date},
        )
        self._writer.write_record(response)
        self.records += 1
        if capture.metadata is not None:
            body = json.dumps(capture.metadata, ensure_ascii=False, indent=1).encode("utf-8")
            metadata = self._writer.create_warc_record(
                capture.url,
                "metadata",
                payload=io.BytesIO(body),
                length=len(body),
                warc_content_type="application/json",
                warc_headers_dict={
                    "WARC-Record-ID": record_id(capture.key + "/metadata"),
                    "WARC-Date": date,
                    "WARC-Refers-To": response_id,
                },
            )
            self._writer.write_record(metadata)
            self.records += 1
