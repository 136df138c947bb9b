"""Attachments: which linked files gongkai downloads, and the text a library can read from
them (pdfminer.six for PDF, python-docx for DOCX). Other formats are stored without text.

The type is decided by the file's own bytes first (a .doc link often serves a DOCX), then by
the suffix of the parsed URL path, never by a substring of the raw URL.
"""

from __future__ import annotations

import io
import logging
import posixpath
import zipfile
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

from crawler.extract.attachments import is_attachment_url

# The formats the issue tracker's users asked for; .et/.rar/.7z links are listed on the
# document by extraction but not downloaded.
DOWNLOAD_SUFFIXES = (".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".ofd", ".zip")
MAX_TEXT_CHARS = 2_000_000  # a scanned 500-page PDF's OCR layer stays well under this


@dataclass(frozen=True, kw_only=True)
class AttachmentText:
    """What could be read from a file: its text, or why there is none."""

    text: str | None
    kind: str  # pdf, docx, or the suffix / "unknown"
    note: str | None = None


def file_name(url: str) -> str:
    """The name of the file a link serves: its path's last part, or, for a download script
    (downfile.jsp?filename=x.pdf), the parameter that names a file.

    >>> file_name("http://a.gov.cn/files/%E6%8A%A5%E5%91%8A.pdf?v=2")
    '报告.pdf'
    >>> file_name("/module/download/downfile.jsp?classid=0&filename=2403.pdf")
    '2403.pdf'
    """
    parts = urlsplit(url)
    base = unquote(posixpath.basename(parts.path))
    if base.lower().endswith(DOWNLOAD_SUFFIXES):
        return base
    for _key, value in parse_qsl(parts.query):
        if value.lower().endswith(DOWNLOAD_SUFFIXES):
            return posixpath.basename(value)
    return base


def is_download_url(url: str) -> bool:
    """Whether a link names a file gongkai downloads: an attachment link (as extraction
    judges it, on the parsed URL, never a raw substring) of one of DOWNLOAD_SUFFIXES.

    >>> is_download_url("http://a.gov.cn/files/报告.PDF?v=2"), is_download_url("/x.OFD")
    (True, True)
    >>> is_download_url("/doc/index.html?file=a.pdf"), is_download_url("/a.rar")
    (False, False)
    """
    return is_attachment_url(url) and file_name(url).lower().endswith(DOWNLOAD_SUFFIXES)


def sniff_kind(data: bytes, url: str) -> str:
    """pdf or docx from the bytes; else the URL path's suffix without the dot.

    >>> sniff_kind(b"%PDF-1.4 ...", "http://a/x.doc"), sniff_kind(b"\\xd0\\xcf\\x11\\xe0", "/y.xls")
    ('pdf', 'xls')
    """
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "word/document.xml" in archive.namelist():
                    return "docx"
        except zipfile.BadZipFile:
            pass
    name = file_name(url).lower()
    return name.rsplit(".", 1)[1] if "." in name else "unknown"


def pdf_text(data: bytes) -> str:
    from pdfminer.high_level import extract_text

    # pdfminer logs every font quirk at WARNING; those are not our problems to report.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    return extract_text(io.BytesIO(data))


def docx_text(data: bytes) -> str:
    """Paragraphs, then table cells row by row, one per line."""
    import docx

    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def tidy_text(text: str) -> str:
    """One line per non-empty line, form feeds and trailing spaces gone.

    >>> tidy_text("Task table\\n\\n31 tasks  \\n\\x0c")
    'Task table\\n31 tasks'
    """
    lines = (line.strip() for line in text.replace("\x0c", "\n").splitlines())
    return "\n".join(line for line in lines if line)


def read_attachment(data: bytes, *, url: str) -> AttachmentText:
    """The text of a downloaded attachment, where a library can read it."""
    kind = sniff_kind(data, url)
    reader = {"pdf": pdf_text, "docx": docx_text}.get(kind)
    if reader is None:
        return AttachmentText(text=None, kind=kind, note=f"no text reader for {kind} files")
    try:
        text = tidy_text(reader(data))[:MAX_TEXT_CHARS]
    except Exception as exc:  # a damaged file: keep the bytes, say why there is no text
        return AttachmentText(text=None, kind=kind, note=f"{kind} unreadable: {exc!r}"[:300])
    if not text:
        return AttachmentText(text=None, kind=kind, note=f"the {kind} holds no text (scanned?)")
    return AttachmentText(text=text, kind=kind)
