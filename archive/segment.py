"""Chinese word segmentation for diffs, search and near-duplicate detection.

jieba splits 文号, dates and figures into pieces ("1682", "人次"); a reader sees them as one
unit, so they are cut out first and kept whole, and jieba only segments the text between.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from importlib import resources

import jieba

# Order matters: the first alternative that matches at a position wins.
PROTECTED = re.compile(
    r"""
    [\u4e00-\u9fff]{1,12}[〔\[［（(]\d{4}[〕\]］）)]\s*\d+\s*号     # 文号: 兰民字〔2024〕8号
    | \d{4}年\d{1,2}月\d{1,2}日                                   # 2024年2月2日
    | \d{4}[-/.]\d{1,2}[-/.]\d{1,2}                               # 2024-02-02
    | \d{4}年(?:度)?                                              # 2023年, 2023年度
    | \d{1,2}月\d{1,2}日                                          # 2月2日
    # figures with their unit: 1682人次, 46.98万元, 15.3%
    | [-+]?\d+(?:[.,]\d+)*\s*(?:%|‰|[万亿千百]?(?:人次|元|人|件|个|次|家|项|户|名|场
        |篇|条|份|天|小时|平方米|公里|所|座|批|起|期|类|部|余)?)
    """,
    re.VERBOSE,
)


@cache
def _tokenizer() -> jieba.Tokenizer:
    """A private jieba tokenizer with the government word list loaded."""
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    words = resources.files("archive").joinpath("data/gov_words.txt").read_text("utf-8")
    for word in words.splitlines():
        if word and not word.startswith("#"):
            tokenizer.add_word(word, freq=200000)
    return tokenizer


def segment(text: str) -> list[str]:
    """Split text into words, keeping 文号, dates and figures whole; whitespace is kept.

    >>> segment("全年救助1682人次")
    ['全年', '救助', '1682人次']
    >>> segment("兰民字〔2024〕8号")
    ['兰民字〔2024〕8号']
    >>> "".join(segment("2024年2月2日，依法行政。")) == "2024年2月2日，依法行政。"
    True
    """
    tokenizer = _tokenizer()
    words: list[str] = []
    position = 0
    for match in PROTECTED.finditer(text):
        if match.start() > position:
            words.extend(tokenizer.lcut(text[position : match.start()], HMM=False))
        words.append(match.group())
        position = match.end()
    if position < len(text):
        words.extend(tokenizer.lcut(text[position:], HMM=False))
    return words
