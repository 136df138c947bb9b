"""Chinese word segmentation for diffs, search and near-duplicate detection.

jieba splits 文号, dates and figures into pieces ("1682", "人次"); a reader sees them as one
unit, so they are cut out first and kept whole, and jieba only segments the text between.
A government word list (data/gov_words.txt) keeps terms such as 行政复议 whole too.

Everything here is a pure function of its text, so a crawler may run it in a worker process
and hand the archive the results (PageRecord.search_text, PageRecord.simhash).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from functools import cache
from importlib import resources

import jieba

from archive.normalize import normalize_text

_CN_DIGIT = "〇零一二三四五六七八九十"
# Units a figure is read with; longer alternatives first, since the first that matches wins.
_UNITS = (
    "个百分点|百分点|平方公里|平方米|人次|户次|件次|小时|公里|周岁"
    "|元|人|件|个|次|家|项|户|名|场|篇|条|份|天|所|座|批|起|期|类|部|对|宗|种|版|台|支"
    "|吨|辆|套|张|岁|倍|床|米|本|册|章"
)
# A 文号's issuer abbreviation (兰民字, 国办发) never holds these function words; excluding
# them stops "印发了兰民字〔2024〕8号" from becoming one token.
_ISSUER = r"[^\W\d_a-zA-Z了的和与及在对按将据经为于是以由向即见请印根照等]"
# Order matters: the first alternative that matches at a position wins.
PROTECTED = re.compile(
    rf"""
    {_ISSUER}{{1,8}}[〔\[［（(]\d{{4}}[〕\]］）)]\s*第?\d+\s*号         # 文号: 兰民字〔2024〕8号
    | \d{{4}}年\d{{1,2}}月(?:\d{{1,2}}日)?                           # 2024年2月2日, 2024年2月
    | [{_CN_DIGIT}]{{4}}年[{_CN_DIGIT}]{{1,2}}月(?:[{_CN_DIGIT}]{{1,3}}日)?  # 二〇二四年二月二日
    | \d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}                            # 2024-02-02
    | \d{{4}}\s*[—–-]\s*\d{{4}}年                                    # 2021—2025年
    | \d{{4}}年(?:度)?                                               # 2023年, 2023年度
    | \d{{1,2}}月(?:\d{{1,2}}日)?                                    # 2月2日, 12月
    | (?=[-/_0-9A-Za-z]*\d)[0-9A-Za-z]+(?:[-/_][0-9A-Za-z]+)+     # 索引号: 1137…L/2021-00012
    | [A-Za-z][A-Za-z0-9]*                                          # OFD, PDF: ASCII words
    # figures with their unit: 1682人次, 46.98万元, 15.3%, 200余人, 1,234件
    | \d+(?:,\d{{3}}(?!\d))*(?:\.\d+)?
      \s*(?:%|‰|[万亿千百]?[余多]?[万亿千百]?(?:{_UNITS})|[万亿])?
    """,
    re.VERBOSE,
)
# A token worth indexing holds at least one letter, digit or CJK character.
_WORDLIKE = re.compile(r"[^\W_]")
_PARTS = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?|[^\W\d_]+")
_DOC_NUMBER = re.compile(r"^(\D+?)([〔\[［（(]\d{4}.*号)$")


@cache
def _tokenizer() -> jieba.Tokenizer:
    """A private jieba tokenizer with the government word list loaded."""
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    words = resources.files("archive").joinpath("data/gov_words.txt").read_text("utf-8")
    for word in words.splitlines():
        if word and not word.startswith("#"):
            tokenizer.add_word(word, freq=200000)
    tokenizer.initialize()
    return tokenizer


def _pieces(text: str) -> Iterator[tuple[str, bool]]:
    """The text as (piece, protected) pairs: protected pieces are 文号, dates and figures."""
    position = 0
    for match in PROTECTED.finditer(text):
        if match.start() > position:
            yield text[position : match.start()], False
        yield match.group(), True
        position = match.end()
    if position < len(text):
        yield text[position:], False


def segment(text: str) -> list[str]:
    """Split text into words, keeping 文号, dates and figures whole; whitespace is kept.

    >>> segment("全年救助1682人次")
    ['全年', '救助', '1682人次']
    >>> segment("兰州市民政局（兰民字〔2024〕8号）")
    ['兰州市', '民政局', '（', '兰民字〔2024〕8号', '）']
    >>> segment("2024年2月2日至2月5日")
    ['2024年2月2日', '至', '2月5日']
    >>> segment("办理行政复议案件200余件")
    ['办理', '行政复议', '案件', '200余件']
    >>> "".join(segment("2024年2月2日，依法行政。")) == "2024年2月2日，依法行政。"
    True
    """
    tokenizer = _tokenizer()
    words: list[str] = []
    for piece, protected in _pieces(text):
        if protected:
            words.append(piece)
        else:
            words.extend(tokenizer.lcut(piece, HMM=False))
    return words


def is_wordlike(token: str) -> bool:
    """True for tokens that carry meaning (not only spaces or punctuation).

    >>> [is_wordlike(t) for t in ("行政", "2024", "，", " ", "〔")]
    [True, True, False, False, False]
    """
    return _WORDLIKE.search(token) is not None


def _subwords(word: str) -> Iterator[str]:
    """Dictionary words inside a longer word, so 法治政府 finds 法治政府建设."""
    freq = _tokenizer().FREQ
    for length in range(2, len(word)):
        for start in range(len(word) - length + 1):
            part = word[start : start + length]
            if freq.get(part):
                yield part


def search_tokens(text: str) -> list[str]:
    """The words a full-text index holds for a text: each word, then the words inside it.

    Figures and 文号 are indexed whole and by their parts, so both 1682人次 and 1682 find
    "救助1682人次". ASCII letters are lower-cased. Punctuation is dropped.

    >>> search_tokens("全年救助1682人次。")
    ['全年', '救助', '1682人次', '1682', '人次']
    >>> "法治政府" in search_tokens("加强法治政府建设")
    True
    >>> "兰民字〔2024〕8号" in search_tokens("印发兰民字〔2024〕8号")
    True
    >>> search_tokens("  ，。 ")
    []
    """
    tokenizer = _tokenizer()
    tokens: list[str] = []
    for piece, protected in _pieces(normalize_text(text)):
        if protected:
            word = piece.replace(" ", "")
            tokens.append(word.lower())
            issuer = _DOC_NUMBER.match(word)
            if issuer:
                # The issuer's start is a guess (印发兰民字〔2024〕8号); index every suffix.
                prefix, core = issuer.groups()
                tokens.extend(prefix[i:] + core for i in range(1, len(prefix)))
                tokens.append(core)
            for part in _PARTS.findall(word):
                if part == word:
                    continue
                if part[0].isdigit():
                    tokens.append(part.replace(",", ""))
                else:
                    tokens.extend(w.lower() for w in tokenizer.lcut(part, HMM=False))
            continue
        for word in tokenizer.lcut(piece, HMM=False):
            if not is_wordlike(word):
                continue
            tokens.append(word.lower())
            if len(word) > 2:
                tokens.extend(_subwords(word))
    return tokens


def search_text(text: str) -> str:
    """search_tokens() joined by spaces: the form the full-text index stores.

    >>> search_text("依法行政")
    '依法行政 依法 行政'
    """
    return " ".join(search_tokens(text))


def query_terms(query: str) -> list[str]:
    """The words a search query asks for, each once, in order.

    >>> query_terms("行政复议")
    ['行政复议']
    >>> query_terms("兰州 行政复议 案件 兰州")
    ['兰州', '行政复议', '案件']
    >>> query_terms("1682人次")
    ['1682人次']
    """
    terms: list[str] = []
    for word in segment(normalize_text(query)):
        token = word.replace(" ", "").lower()
        if is_wordlike(token) and token not in terms:
            terms.append(token)
    return terms
