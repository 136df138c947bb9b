"""Word-level diffs of two versions' texts, grouped by sentence.

Paragraphs (lines) are matched first, so only paragraphs that differ are segmented. A run of
changed paragraphs is paired up by likeness, so an edited paragraph is diffed word by word
even when a paragraph was also added next to it. Within a pair, jieba words are diffed
(文号, dates and figures are single words, see archive.segment), and edits close together in
one sentence are merged into one change; changes never run across a sentence end. A changed
figure shows as that figure, not as its whole paragraph.

All functions here are pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from archive.segment import segment

SENTENCE_END = re.compile(r"[。；！？!?;]")
CONTEXT_CHARS = 20
# Edits in one sentence closer than this (in characters) read as one change.
MERGE_GAP = 12
# Paragraphs are paired when at least this share of their character bigrams is common; as
# many changed paragraphs as replaced them are paired in order at a lower bar, since short
# lines where only a figure changed share few bigrams ("受理12件" / "受理13件": 0.33).
PAIR_LIKENESS = 0.4
IN_ORDER_LIKENESS = 0.2
# Pairing compares every old paragraph of a changed run with every new one; beyond this
# many comparisons the run is shown as one block (a rewrite, not an edit).
_MAX_PAIRINGS = 2500


@dataclass(frozen=True, kw_only=True)
class Change:
    """One edit: op is insert, delete or replace; before/after are unchanged context."""

    op: str
    old: str
    new: str
    before: str = ""
    after: str = ""

    def to_json(self) -> dict[str, str]:
        return {
            "op": self.op,
            "old": self.old,
            "new": self.new,
            "before": self.before,
            "after": self.after,
        }


def _op(old: str, new: str) -> str:
    return "replace" if old and new else ("delete" if old else "insert")


def _tail(words: Sequence[str], limit: int) -> str:
    """The last whole words of a sequence, up to about `limit` characters."""
    taken: list[str] = []
    size = 0
    for word in reversed(words):
        if size >= limit:
            break
        taken.append(word)
        size += len(word)
    return "".join(reversed(taken)).lstrip()


def _head(words: Sequence[str], limit: int) -> str:
    """The first whole words of a sequence, up to about `limit` characters."""
    taken: list[str] = []
    size = 0
    for word in words:
        if size >= limit:
            break
        taken.append(word)
        size += len(word)
    return "".join(taken).rstrip()


def _ends_sentence(words: Sequence[str]) -> bool:
    return any(SENTENCE_END.search(w) for w in words)


def word_changes(old: str, new: str, *, context: int = CONTEXT_CHARS) -> list[Change]:
    """Word-level edits between two versions of one paragraph, merged within sentences.

    >>> [c.to_json() for c in word_changes("全年救助1682人次。", "全年救助1728人次。")]
    [{'op': 'replace', 'old': '1682人次', 'new': '1728人次', 'before': '全年救助', 'after': '。'}]
    >>> [(c.op, c.old, c.new) for c in word_changes("受理12件，办结10件。", "受理13件，办结11件。")]
    [('replace', '12件，办结10件', '13件，办结11件')]
    >>> [(c.old, c.new) for c in word_changes("受理12件。办结10件。", "受理13件。办结11件。")]
    [('12件', '13件'), ('10件', '11件')]
    >>> [(c.op, c.old, c.new) for c in diff_texts("甲\\n受理12件\\n乙", "甲\\n受理13件\\n乙")]
    [('replace', '12件', '13件')]
    """
    a, b = segment(old), segment(new)
    spans = [
        [i1, i2, j1, j2]
        for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
        if tag != "equal"
    ]
    merged: list[list[int]] = []
    for span in spans:
        if merged:
            gap = a[merged[-1][1] : span[0]]
            if sum(map(len, gap)) <= MERGE_GAP and not _ends_sentence(gap):
                merged[-1][1], merged[-1][3] = span[1], span[3]
                continue
        merged.append(span)
    return [
        Change(
            op=_op("".join(a[i1:i2]), "".join(b[j1:j2])),
            old="".join(a[i1:i2]),
            new="".join(b[j1:j2]),
            before=_tail(a[:i1], context),
            after=_head(a[i2:], context),
        )
        for i1, i2, j1, j2 in merged
    ]


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def likeness(a: str, b: str) -> float:
    """Share of character bigrams two paragraphs have in common (Jaccard).

    >>> round(likeness("全年救助1682人次。", "全年救助1728人次。"), 2)
    0.43
    >>> likeness("一、总体要求", "附件：任务分工表")
    0.0
    """
    x, y = _bigrams(a), _bigrams(b)
    return len(x & y) / len(x | y)


def pair_paragraphs(old: Sequence[str], new: Sequence[str]) -> Iterator[tuple[int, int]]:
    """Index pairs (i, j), in order, of old and new paragraphs that are edits of each other.

    Like difflib's fancy replace: take the likeliest pair, then pair what is left on either
    side of it.

    >>> list(pair_paragraphs(["甲乙丙丁。", "戊己庚辛。"], ["新增段落。", "戊己庚辛壬。"]))
    [(1, 1)]
    >>> list(pair_paragraphs(["受理12件"], ["受理13件"]))
    [(0, 0)]
    """
    if len(old) == len(new) and all(
        likeness(x, y) >= IN_ORDER_LIKENESS for x, y in zip(old, new, strict=True)
    ):
        yield from ((i, i) for i in range(len(old)))
        return
    if len(old) * len(new) > _MAX_PAIRINGS:
        return
    grams = [_bigrams(p) for p in new]

    def best(lo_a: int, hi_a: int, lo_b: int, hi_b: int) -> Iterator[tuple[int, int]]:
        found, score = None, PAIR_LIKENESS
        for i in range(lo_a, hi_a):
            x = _bigrams(old[i])
            for j in range(lo_b, hi_b):
                y = grams[j]
                value = len(x & y) / len(x | y)
                if value > score:
                    found, score = (i, j), value
        if found is None:
            return
        i, j = found
        yield from best(lo_a, i, lo_b, j)
        yield found
        yield from best(i + 1, hi_a, j + 1, hi_b)

    yield from best(0, len(old), 0, len(new))


def _block(
    a: Sequence[str], b: Sequence[str], i1: int, i2: int, j1: int, j2: int, context: int
) -> Change:
    """Whole paragraphs a[i1:i2] replaced by b[j1:j2], with the neighbouring lines as context."""
    old, new = "\n".join(a[i1:i2]), "\n".join(b[j1:j2])
    return Change(
        op=_op(old, new),
        old=old,
        new=new,
        before=_tail(segment(a[i1 - 1]), context) if i1 > 0 else "",
        after=_head(segment(a[i2]), context) if i2 < len(a) else "",
    )


def diff_texts(old: str, new: str, *, context: int = CONTEXT_CHARS) -> list[Change]:
    """The changes that turn one text into another, in reading order.

    >>> [c.to_json() for c in diff_texts("全年救助1682人次。", "全年救助1728人次。")]
    [{'op': 'replace', 'old': '1682人次', 'new': '1728人次', 'before': '全年救助', 'after': '。'}]
    >>> [(c.op, c.new, c.before) for c in diff_texts("一、总体要求", "一、总体要求\\n二、主要任务")]
    [('insert', '二、主要任务', '一、总体要求')]
    >>> old = "一、总体要求\\n全年受理行政复议案件12件。\\n三、工作打算"
    >>> new = "一、总体要求\\n（一）新增的一段。\\n全年受理行政复议案件15件。\\n三、工作打算"
    >>> [(c.op, c.old, c.new) for c in diff_texts(old, new)]
    [('insert', '', '（一）新增的一段。'), ('replace', '12件', '15件')]
    >>> [(c.op, c.old) for c in diff_texts("一句。\\n二句。", "一句。二句。")]
    [('delete', '\\n')]
    >>> diff_texts("不变。", "不变。")
    []
    """
    a, b = old.split("\n"), new.split("\n")
    changes: list[Change] = []
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if tag != "replace":
            changes.append(_block(a, b, i1, i2, j1, j2, context))
            continue
        joined_a, joined_b = "\n".join(a[i1:i2]), "\n".join(b[j1:j2])
        breaks_only = joined_a.replace("\n", "") == joined_b.replace("\n", "")
        pairs = [] if breaks_only else list(pair_paragraphs(a[i1:i2], b[j1:j2]))
        if breaks_only or (not pairs and likeness(joined_a, joined_b) >= PAIR_LIKENESS):
            # Paragraphs split or joined: diff the run's words, line breaks included.
            changes.extend(word_changes(joined_a, joined_b, context=context))
            continue
        i, j = i1, j1
        for pi, pj in pairs:
            pi, pj = pi + i1, pj + j1
            if pi > i or pj > j:
                changes.append(_block(a, b, i, pi, j, pj, context))
            changes.extend(word_changes(a[pi], b[pj], context=context))
            i, j = pi + 1, pj + 1
        if i < i2 or j < j2:
            changes.append(_block(a, b, i, i2, j, j2, context))
    return changes
