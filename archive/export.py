"""Exports of the documents a query selects: JSON Lines, CSV or WARC.

jsonl and csv give one row per document (its latest version, or the one current at
--as-of), or one row per version with all_versions. warc gives every selected version as
its original HTTP response (see archive.warc), plus the documents' stored attachments.

A file is written next to its destination and renamed into place when complete, so a
failed export leaves no half-written file behind.
"""

from __future__ import annotations

import contextlib
import csv
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.blobs import get_blob
from archive.errors import ArchiveError, BadQuery
from archive.models import Attachment, Version
from archive.queries import DocumentFilter, DocumentHit, hits_json, query_documents, version_json
from archive.warc import ArchiveWarcWriter, WarcCapture

Rows = Iterator[tuple[DocumentHit, dict[str, Any], list[Version]]]

FORMATS = ("jsonl", "csv", "warc")
CSV_COLUMNS = (
    "id",
    "source",
    "url",
    "title",
    "published",
    "doc_number",
    "index_number",
    "publisher",
    "report_kind",
    "report_year",
    "status",
    "first_seen",
    "last_seen",
    "last_changed",
    "versions",
    "duplicate_of",
    "moved_from",
    "moved_to",
    "attachments",
    "version",
    "fetched_at",
    "sha256",
    "raw_sha256",
    "text",
)


@dataclass(frozen=True, kw_only=True)
class ExportResult:
    """What an export wrote."""

    documents: int
    versions: int
    attachments: int
    path: str


def _versions_of(s: Session, hit: DocumentHit, *, all_versions: bool) -> list[Version]:
    """The versions a hit exports: the current one (then or now), or all up to it."""
    doc = hit.document
    last = hit.version.n if hit.version is not None else doc.version_count
    query = select(Version).where(Version.document_id == doc.id)
    query = query.where(Version.n <= last) if all_versions else query.where(Version.n == last)
    return list(s.execute(query.order_by(Version.n)).scalars())


def _rows(s: Session, f: DocumentFilter, *, all_versions: bool) -> Rows:
    hits = query_documents(s, f)
    for hit, row in zip(hits, hits_json(s, hits), strict=True):
        yield hit, row, _versions_of(s, hit, all_versions=all_versions)


def _version_fields(v: Version) -> dict[str, Any]:
    return {**version_json(v), "raw_sha256": v.raw_sha256}


def _write_jsonl(out: IO[str], rows: Rows) -> tuple[int, int]:
    documents = versions = 0
    for _hit, row, found in rows:
        documents += 1
        for v in found:
            versions += 1
            line = {**row, "version": _version_fields(v), "text": v.text}
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return documents, versions


def _write_csv(out: IO[str], rows: Rows) -> tuple[int, int]:
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    documents = versions = 0
    for _hit, row, found in rows:
        documents += 1
        flat = {
            **row,
            "attachments": "; ".join(f"{a['name']} <{a['url']}>" for a in row["attachments"]),
        }
        for v in found:
            versions += 1
            fields = _version_fields(v)
            writer.writerow(
                {
                    **flat,
                    "version": fields["n"],
                    "fetched_at": fields["fetched_at"],
                    "sha256": fields["sha256"],
                    "raw_sha256": fields["raw_sha256"],
                    "text": v.text,
                }
            )
    return documents, versions


def _software() -> str:
    try:
        return f"gongkai/{metadata.version('gongkai')}"
    except metadata.PackageNotFoundError:
        return "gongkai"


def _write_warc(
    s: Session,
    out: IO[bytes],
    rows: Rows,
    *,
    gzip: bool,
) -> tuple[int, int, int]:
    writer = ArchiveWarcWriter(out, gzip=gzip, software=_software())
    documents = versions = attachments = 0
    for hit, row, found in rows:
        documents += 1
        doc = hit.document
        for v in found:
            raw = get_blob(s, v.raw_sha256) if v.raw_sha256 else None
            if raw is None:
                raise ArchiveError(
                    f"version {v.n} of document {doc.id} ({doc.url}) has no stored raw "
                    f"response ({v.raw_sha256}); run `gongkai check`"
                )
            versions += 1
            writer.write(
                WarcCapture(
                    url=doc.url,
                    fetched_at=v.fetched_at,
                    status=v.http_status or 200,
                    headers=dict(v.http_headers or {}),
                    body=raw,
                    key=f"document/{doc.id}/version/{v.n}",
                    metadata={
                        "document": row,
                        "version": _version_fields(v),
                        "meta": v.meta,
                        "text": v.text,
                    },
                )
            )
        stored = s.execute(
            select(Attachment)
            .where(Attachment.document_id == doc.id, Attachment.blob_sha256.is_not(None))
            .order_by(Attachment.id)
        ).scalars()
        for att in stored:
            data = get_blob(s, att.blob_sha256 or "")
            if data is None or att.fetched_at is None:
                continue
            attachments += 1
            headers = {"Content-Type": att.content_type} if att.content_type else {}
            writer.write(
                WarcCapture(
                    url=att.url,
                    fetched_at=att.fetched_at,
                    status=200,
                    headers=headers,
                    body=data,
                    key=f"document/{doc.id}/attachment/{att.url}/{att.blob_sha256}",
                )
            )
    return documents, versions, attachments


@contextlib.contextmanager
def _destination(out: str, *, binary: bool) -> Iterator[IO[Any]]:
    """The file to write: `out` via a temporary file renamed on success, or stdout for '-'."""
    if out == "-":
        stream: IO[Any] = sys.stdout.buffer if binary else sys.stdout
        yield stream
        stream.flush()
        return
    path = Path(out)
    if not path.parent.is_dir():
        raise BadQuery("--out", f"folder {path.parent} does not exist")
    if path.is_dir():
        raise BadQuery("--out", f"{path} is a folder; name a file")
    partial = path.with_name(f".{path.name}.partial")
    try:
        if binary:
            with partial.open("wb") as handle:
                yield handle
        else:
            with partial.open("w", encoding="utf-8", newline="") as text_handle:
                yield text_handle
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def export_documents(
    s: Session, f: DocumentFilter, *, fmt: str, out: str, all_versions: bool
) -> ExportResult:
    """Write the documents `f` selects to `out` ('-' for stdout) in format `fmt`."""
    if fmt not in FORMATS:
        raise BadQuery("--format", f"must be one of {', '.join(FORMATS)}, not {fmt!r}")
    rows = _rows(s, f, all_versions=all_versions)
    attachments = 0
    with _destination(out, binary=fmt == "warc") as handle:
        if fmt == "warc":
            documents, versions, attachments = _write_warc(
                s, handle, rows, gzip=out.endswith(".gz")
            )
        elif fmt == "csv":
            documents, versions = _write_csv(handle, rows)
        else:
            documents, versions = _write_jsonl(handle, rows)
    return ExportResult(documents=documents, versions=versions, attachments=attachments, path=out)
