"""Recognise 文号 (发文字号) such as 兰民字〔2024〕8号, 国办发[2024]1号 or 京政发（2024）3号."""

from __future__ import annotations

import re

_CJK = "\u4e00-\u9fff"

# The issuer prefix is the whole run of Chinese characters before the bracket; a run longer than
# a prefix can be means free text ("现将兰民字〔2024〕8号…" is not read as a doc number).
_BRACKETED = re.compile(
    rf"(?<![{_CJK}])([{_CJK}]{{1,8}})\s*([〔［\[（(【〈])\s*((?:19|20)\d{{2}})\s*([〕］\]）)】〉])"
    r"\s*(第?)\s*(\d{1,5})\s*号"
)
# Words of a sentence, never of an issuer's prefix ("我局印发了国办发〔2024〕1号" is prose).
_PROSE = re.compile(r"我|根据|按照|依据|关于|印发|转发|了|的|和|及|与|对|在|将|经|是|为|按|据")
_DECREE = re.compile(
    rf"(?<![{_CJK}])([{_CJK}]{{1,12}}令)\s*(第)\s*([\d一二三四五六七八九十百零〇]+)\s*号"
)


def parse_doc_number(text: str | None) -> str | None:
    """The first 文号 in ``text``, as written (brackets kept, spaces removed), or None.

    >>> parse_doc_number("兰民字〔2024〕8号             签发人:颜烨鲁")
    '兰民字〔2024〕8号'
    >>> parse_doc_number("桂民发〔2022〕7号 自治区民政厅关于印发…的通知")
    '桂民发〔2022〕7号'
    >>> parse_doc_number("国家金融监督管理总局行政处罚信息公开表(金罚决字〔2024〕36号)")
    '金罚决字〔2024〕36号'
    >>> parse_doc_number("国办发[2024]1号"), parse_doc_number("京政发（2024） 3号")
    ('国办发[2024]1号', '京政发（2024）3号')
    >>> parse_doc_number("中华人民共和国国务院令 第732号")
    '中华人民共和国国务院令第732号'
    >>> parse_doc_number("索引号：2026-02-00018"), parse_doc_number("（2007年6月29日通过）")
    (None, None)
    """
    if not text:
        return None
    plausible = [m for m in _BRACKETED.finditer(text) if not _PROSE.search(m.group(1))]
    match = plausible[0] if plausible else _DECREE.search(text)
    return re.sub(r"\s+", "", match.group(0)) if match else None


def starts_with_doc_number(line: str) -> str | None:
    """The 文号 a body line opens with, as the header lines of an official document do.

    >>> starts_with_doc_number("兰民字〔2024〕8号 签发人：颜烨鲁")
    '兰民字〔2024〕8号'
    >>> starts_with_doc_number("根据兰民字〔2024〕8号文件") is None
    True
    """
    line = line.strip()
    match = _BRACKETED.match(line)
    if match and _PROSE.search(match.group(1)):
        return None
    match = match or _DECREE.match(line)
    if not match:
        return None
    # A header line ends after the number or goes on to 签发人; a sentence goes on ("…8号文件").
    rest = line[match.end() :]
    if rest and not rest[0].isspace() and not rest.startswith(("签发", "(", "（")):
        return None
    return re.sub(r"\s+", "", match.group(0))
