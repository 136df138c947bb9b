"""Turn response bytes into text, with the encoding rules Chinese government sites need.

Precedence: a byte-order mark, a ``<meta charset>`` (or ``http-equiv``) inside ``<head>``, the HTTP
header's charset unless it is a Western default (ISO-8859-1 and friends, what servers and
``requests`` fall back to), then detection. GB2312 and GBK are decoded as GB18030, their superset.
A declared encoding that does not decode the bytes cleanly loses to one that does.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Servers and HTTP clients send these when they know nothing; a Chinese page is never one of them.
UNTRUSTED_HEADER_CHARSETS = frozenset({"iso8859-1", "ascii", "cp1252"})

# Decoding with the superset loses nothing and keeps characters outside GB2312 (e.g. 镕, 堃).
SUPERSET_OF = {"gb2312": "gb18030", "gbk": "gb18030", "hz": "gb18030", "big5": "big5hkscs"}

_HEAD_END = re.compile(rb"</head\s*>|<body[\s>]", re.IGNORECASE)
_META_CHARSET = re.compile(
    rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def normalize_encoding(name: str | None) -> str | None:
    """The Python codec for a declared charset name, widened to its superset; None if unknown.

    >>> normalize_encoding("GB2312"), normalize_encoding("utf8"), normalize_encoding("x-bogus")
    ('gb18030', 'utf-8', None)
    """
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None
    return SUPERSET_OF.get(codec, codec)


def find_meta_charset(body: bytes) -> str | None:
    """The charset declared by a ``<meta>`` in the head; metas pasted into the body don't count."""
    end = _HEAD_END.search(body)
    head = body[: end.start()] if end else body[:4096]
    match = _META_CHARSET.search(head)
    return match.group(1).decode("ascii") if match else None


def find_header_charset(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header value."""
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return match.group(1) if match else None


def _decodes_cleanly(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _detect_encoding(body: bytes) -> str | None:
    best = charset_normalizer.from_bytes(body).best()
    return normalize_encoding(best.encoding) if best is not None else None


def decode_html(body: bytes, *, content_type: str | None = None) -> tuple[str, str]:
    """Decode an HTML response body; returns ``(text, encoding used)``. Never raises on bad bytes.

    >>> decode_html("<p>公开</p>".encode("gbk"))
    ('<p>公开</p>', 'gb18030')
    >>> decode_html('<meta charset="gb2312"><p>朱镕基</p>'.encode("gbk"))[1]
    'gb18030'
    >>> decode_html("<p>公开</p>".encode(), content_type="text/html; charset=ISO-8859-1")[1]
    'utf-8'
    """
    for bom, encoding in BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(encoding, errors="replace"), encoding

    declared: list[str] = []
    for name in (find_meta_charset(body), find_header_charset(content_type)):
        codec = normalize_encoding(name)
        if codec and codec not in UNTRUSTED_HEADER_CHARSETS and codec not in declared:
            declared.append(codec)
    # GBK bytes almost never form valid UTF-8, while UTF-8 bytes often pass as GB18030: a clean
    # UTF-8 decode of non-ASCII bytes outranks a declaration that says otherwise.
    if not body.isascii() and _decodes_cleanly(body, "utf-8"):
        return body.decode("utf-8"), "utf-8"
    for encoding in declared:
        if _decodes_cleanly(body, encoding):
            return body.decode(encoding), encoding
    if body.isascii():
        return body.decode("ascii"), "utf-8"
    # Nothing declared decodes: GB18030 covers nearly every other government page, and the
    # statistical detector is slow and unsure on short Chinese text.
    if "gb18030" not in declared and _decodes_cleanly(body, "gb18030"):
        return body.decode("gb18030"), "gb18030"
    encoding = _detect_encoding(body) or (declared[0] if declared else "utf-8")
    return body.decode(encoding, errors="replace"), encoding
