"""Decoding responses the same way for listings and detail pages."""

from __future__ import annotations

from scrapy.http import Response

from crawler.extract.decode import decode_html


def response_text(response: Response) -> str:
    """A response's body as text: BOM, <head> meta, header (unless latin-1), detection."""
    ctype = response.headers.get("Content-Type")
    return decode_html(response.body, content_type=ctype.decode("latin-1") if ctype else None)[0]
