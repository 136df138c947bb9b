"""Parse the date forms Chinese government pages print, and nothing that only looks like one.

Only full dates count (year, month and day). A 文号 such as 〔2024〕8号, a URL counter such as
t20190918_693227, a copyright span such as 2003-2024 and an 索引号 such as 2026-02-00018 are not
dates. Callers decide where a date may come from; this module only reads one.
"""

from __future__ import annotations

import datetime
import re

_FULLWIDTH = str.maketrans("０１２３４５６７８９－／．", "0123456789-/.")

_NUMERIC = re.compile(r"(?<![\d\-/.])((?:19|20)\d{2})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{1,2})(?!\d)")
_ARABIC_CJK = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_HANZI_CJK = re.compile(
    r"([〇零○Ｏ一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月"
    r"\s*([一二三四五六七八九十]{1,3})\s*[日号]"
)

_HANZI_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "Ｏ": 0}


def hanzi_to_int(text: str) -> int:
    """Read a small number written in Chinese numerals, as in dates.

    >>> hanzi_to_int("二〇二四"), hanzi_to_int("十二"), hanzi_to_int("二十三"), hanzi_to_int("十")
    (2024, 12, 23, 10)
    """
    if "十" not in text:
        return int("".join(str(_HANZI_DIGITS[c]) for c in text))
    tens, _, units = text.partition("十")
    return (_HANZI_DIGITS[tens] if tens else 1) * 10 + (_HANZI_DIGITS[units] if units else 0)


def _make_date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def find_dates(text: str) -> list[tuple[int, datetime.date]]:
    """All valid dates in ``text`` with their offsets, in order of appearance."""
    text = text.translate(_FULLWIDTH)
    found: list[tuple[int, datetime.date]] = []
    for match in _NUMERIC.finditer(text):
        date = _make_date(int(match[1]), int(match[3]), int(match[4]))
        if date:
            found.append((match.start(), date))
    for match in _ARABIC_CJK.finditer(text):
        date = _make_date(int(match[1]), int(match[2]), int(match[3]))
        if date:
            found.append((match.start(), date))
    for match in _HANZI_CJK.finditer(text):
        date = _make_date(hanzi_to_int(match[1]), hanzi_to_int(match[2]), hanzi_to_int(match[3]))
        if date:
            found.append((match.start(), date))
    return sorted(found, key=lambda item: item[0])


def parse_date(text: str | None) -> datetime.date | None:
    """The first full date in ``text``, or None.

    >>> parse_date("发布日期：2024-02-02"), parse_date("2024/02/02 10:09")
    (datetime.date(2024, 2, 2), datetime.date(2024, 2, 2))
    >>> parse_date("2024年2月2日"), parse_date("二〇二四年二月二日")
    (datetime.date(2024, 2, 2), datetime.date(2024, 2, 2))
    >>> parse_date("2007-08-20-23:59:59")
    datetime.date(2007, 8, 20)
    >>> parse_date("索引号：2026-02-00018"), parse_date("兰民字〔2024〕8号")
    (None, None)
    >>> parse_date("Copyright © 2003-2024") is None
    True
    >>> parse_date("t20190918_693227"), parse_date("2024-02-30"), parse_date("2022411")
    (None, None, None)
    """
    if not text:
        return None
    found = find_dates(text)
    return found[0][1] if found else None
