"""Word-level diffs of two versions' texts, grouped by sentence.

Paragraphs are matched first, so only paragraphs that differ are segmented; within them,
jieba words are diffed and the edits of one sentence are merged into one change. A changed
figure shows as that figure, not as its whole paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from archive.segment import segment

SENTENCE_END = re.compile(r"[。；！？!?;]")
CONTEXT_CHARS = 20


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


def _word_changes(old_par: str, new_par: str) -> list[Change]:
    """Word-level edits within one pair of paragraphs, merged per sentence."""
    a, b = segment(old_par), segment(new_par)
    spans: list[tuple[int, int, int, int]] = [
        (i1, i2, j1, j2)
        for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
        if tag != "equal"
    ]
    # Sentence number of each old word, to merge edits that fall in the same sentence.
    sentence_of: list[int] = []
    count = 0
    for word in a:
        sentence_of.append(count)
        if SENTENCE_END.search(word):
            count += 1
    sentence_of.append(count)

    merged: list[list[int]] = []
    for i1, i2, j1, j2 in spans:
        if (
            merged
            and sentence_of[min(i1, len(a))] == sentence_of[min(merged[-1][1], len(a))]
            and not any(SENTENCE_END.search(w) for w in a[merged[-1][1] : i1])
        ):
            merged[-1][1], merged[-1][3] = i2, j2
        else:
            merged.append([i1, i2, j1, j2])

    changes = []
    for i1, i2, j1, j2 in merged:
        old, new = "".join(a[i1:i2]), "".join(b[j1:j2])
        changes.append(
            Change(
                op=_op(old, new),
                old=old,
                new=new,
                before="".join(a[:i1])[-CONTEXT_CHARS:],
                after="".join(a[i2:])[:CONTEXT_CHARS],
            )
        )
    return changes


def diff_texts(old: str, new: str) -> list[Change]:
    """The changes that turn one text into another.

    >>> [c.to_json() for c in diff_texts("全年救助1682人次。", "全年救助1728人次。")]
    [{'op': 'replace', 'old': '1682人次', 'new': '1728人次', 'before': '全年救助', 'after': '。'}]
    >>> [(c.op, c.new) for c in diff_texts("一、总体要求", "一、总体要求\\n二、主要任务")]
    [('insert', '二、主要任务')]
    >>> diff_texts("不变。", "不变。")
    []
    """
    a, b = old.split("\n"), new.split("\n")
    changes: list[Change] = []
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:
            for old_par, new_par in zip(a[i1:i2], b[j1:j2], strict=True):
                changes.extend(_word_changes(old_par, new_par))
            continue
        old_block, new_block = "\n".join(a[i1:i2]), "\n".join(b[j1:j2])
        before = a[i1 - 1][-CONTEXT_CHARS:] if i1 > 0 else ""
        after = a[i2][:CONTEXT_CHARS] if i2 < len(a) else ""
        changes.append(
            Change(
                op=_op(old_block, new_block),
                old=old_block,
                new=new_block,
                before=before,
                after=after,
            )
        )
    return changes
