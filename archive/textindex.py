"""What the archive indexes a text by: its search words and its simhash, in one pass.

A pure function of the text, so that a crawler can run it in a worker process and pass the
result in PageRecord(search_text=..., simhash=...).
"""

from __future__ import annotations

from dataclasses import dataclass

from archive.segment import search_tokens
from archive.simhash import simhash_of


@dataclass(frozen=True, kw_only=True)
class TextIndex:
    """The search words of a text, space-separated, and its 64-bit simhash (unsigned)."""

    search_text: str
    simhash: int


def index_text(text: str) -> TextIndex:
    """Segment a text once and derive both index fields from the words.

    >>> index = index_text("全年救助1682人次。")
    >>> index.search_text
    '全年 救助 1682人次 1682 人次'
    >>> index.simhash == simhash_of(index.search_text.split())
    True
    """
    tokens = search_tokens(text)
    return TextIndex(search_text=" ".join(tokens), simhash=simhash_of(tokens))
