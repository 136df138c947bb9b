"""Text normalisation and hashing: what decides whether a page changed.

Normalising folds whitespace (including full-width spaces and no-break spaces) and drops
invisible characters; punctuation is kept, so a real edit of "，" to "。" is a change.
"""

from __future__ import annotations

import hashlib
import re

# Zero-width and formatting characters that editors leave behind and readers never see.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a-\u202e]")
_SPACES = re.compile(r"[^\S\n]+")  # every whitespace but newline; includes \u3000 and \xa0
_BLANK_LINES = re.compile(r"\n{2,}")


def normalize_text(text: str) -> str:
    """Canonical form of an extracted text.

    >>> normalize_text("市政府：\\u3000\\u3000\\n\\n 一、总体要求\\u200b ")
    '市政府：\\n一、总体要求'
    >>> normalize_text("兰民字〔2024〕8号\\xa0\\xa0 签发人") == "兰民字〔2024〕8号 签发人"
    True
    >>> normalize_text("甲，乙") == normalize_text("甲。乙")
    False
    """
    text = _INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n", "\n".join(line for line in lines if line)).strip()


def sha256_hex(data: bytes | str) -> str:
    """Hex sha256 of bytes, or of a string's UTF-8 encoding.

    >>> sha256_hex("")[:12]
    'e3b0c44298fc'
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()
