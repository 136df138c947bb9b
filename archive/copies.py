"""Copies of a text at other URLs: near-duplicates and moves.

A document's simhash (archive.simhash) finds candidates by index; a candidate is a copy only
if the two texts share at least COVERAGE of their sentences, character for character. The
second test is what keeps templated notices apart: two agencies' 婚姻登记 notices share
their wording but not their figures, and figures are the point of this archive.

- duplicate: the later copy gets `duplicate_of` = the earliest document it copies (the root,
  if that one is itself a copy). Re-checked on every new version of the later copy.
- moved: a new document on the same source copies a document that is gone. Both get a
  `moved` event, the new one `moved_from`. If the new URL is seen before the old one is
  found gone (same run, other order), the duplicate link becomes a move when it is.

Texts shorter than MIN_CHARS are never linked: pages whose whole body is 详见附件 are not
copies of each other.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from sqlalchemy import delete, insert, or_, select
from sqlalchemy.orm import Session

from archive.models import Document, DocumentBand, Event, Version
from archive.simhash import NEAR, bands, from_signed, hamming, to_signed

MIN_CHARS = 100
COVERAGE = 0.9
# Verifying a candidate reads its text; a template shared by thousands of pages must not
# turn one write into thousands of reads.
MAX_VERIFY = 20
_SENTENCE = re.compile(r"[^。；！？!?;\n]+[。；！？!?;]*")
_WHITESPACE = re.compile(r"\s+")


def sentences(text: str) -> list[str]:
    """Sentences of a text, whitespace removed; lines end sentences too.

    >>> sentences("一、总体情况。全年救助1682人次；\\n二、 问题")
    ['一、总体情况。', '全年救助1682人次；', '二、问题']
    """
    found = (_WHITESPACE.sub("", m.group()) for m in _SENTENCE.finditer(text))
    return [s for s in found if s]


def shared_fraction(a: str, b: str) -> float:
    """Characters in sentences the texts share, over the longer text's characters.

    >>> shared_fraction("甲乙。丙丁。", "甲乙。丙丁。")
    1.0
    >>> shared_fraction("甲乙。丙丁。", "甲乙。戊己。")
    0.5
    """
    sa, sb = sentences(a), sentences(b)
    total = max(sum(map(len, sa)), sum(map(len, sb)))
    if not total:
        return 0.0
    matcher = SequenceMatcher(None, sa, sb, autojunk=False)
    shared = sum(sum(map(len, sa[m.a : m.a + m.size])) for m in matcher.get_matching_blocks())
    return shared / total


def long_enough(text: str) -> bool:
    """Whether a text is long enough to be compared with others."""
    return len(_WHITESPACE.sub("", text)) >= MIN_CHARS


def is_copy(a: str, b: str) -> bool:
    """True if two texts are the same report: long enough, and sharing COVERAGE of it.

    >>> report = "".join(f"第{i}条，依法办理行政复议案件，全面推进依法行政。" for i in range(10))
    >>> is_copy(report, "来源：民政局\\n" + report)
    True
    >>> is_copy(report, report.replace("第3条", "第三条").replace("第4条", "第四条"))
    False
    >>> is_copy("详见附件。", "详见附件。")
    False
    """
    return long_enough(a) and long_enough(b) and shared_fraction(a, b) >= COVERAGE


@dataclass(frozen=True, kw_only=True)
class Candidate:
    """A document whose simhash is near another's."""

    id: int
    source_id: str
    url: str
    status: str
    first_seen_at: dt.datetime
    duplicate_of_id: int | None
    version_count: int
    distance: int


def save_fingerprint(s: Session, doc: Document, fingerprint: int, *, indexed: bool) -> None:
    """Store a document's simhash, and its bands if it is to be found by others."""
    doc.simhash = to_signed(fingerprint)
    s.execute(delete(DocumentBand).where(DocumentBand.document_id == doc.id))
    if indexed:
        s.execute(
            insert(DocumentBand),
            [
                {"document_id": doc.id, "band": i, "value": value}
                for i, value in enumerate(bands(fingerprint))
            ],
        )


def near_documents(s: Session, doc_id: int, fingerprint: int) -> list[Candidate]:
    """Other documents within NEAR bits, earliest first seen first."""
    match = or_(
        *(
            (DocumentBand.band == i) & (DocumentBand.value == value)
            for i, value in enumerate(bands(fingerprint))
        )
    )
    ids = select(DocumentBand.document_id).where(match, DocumentBand.document_id != doc_id)
    rows = s.execute(
        select(
            Document.id,
            Document.source_id,
            Document.url,
            Document.status,
            Document.first_seen_at,
            Document.duplicate_of_id,
            Document.version_count,
            Document.simhash,
        )
        .where(Document.id.in_(ids.distinct()))
        .order_by(Document.first_seen_at, Document.id)
    ).all()
    found = []
    for r in rows:
        distance = hamming(fingerprint, from_signed(r.simhash or 0))
        if distance <= NEAR:
            found.append(
                Candidate(
                    id=r.id,
                    source_id=r.source_id,
                    url=r.url,
                    status=r.status,
                    first_seen_at=r.first_seen_at,
                    duplicate_of_id=r.duplicate_of_id,
                    version_count=r.version_count,
                    distance=distance,
                )
            )
    return found


def _text_of(s: Session, doc_id: int, n: int) -> str:
    """Version n's text of a document ('' if it has none)."""
    return (
        s.execute(
            select(Version.text).where(Version.document_id == doc_id, Version.n == n)
        ).scalar_one_or_none()
        or ""
    )


def _moved_event(
    s: Session, doc: Document, *, at: dt.datetime, run_id: int | None, detail: str
) -> None:
    s.add(
        Event(
            document_id=doc.id,
            at=at,
            kind="moved",
            version_n=doc.version_count,
            run_id=run_id,
            detail=detail,
        )
    )


def link_move(
    s: Session, *, old: Document, new: Document, at: dt.datetime, run_id: int | None
) -> None:
    """Record that `old`'s text moved to `new`'s URL: links and an event on each."""
    new.moved_from_id = old.id
    new.duplicate_of_id = old.duplicate_of_id
    _moved_event(s, old, at=at, run_id=run_id, detail=f"to {new.url} (document {new.id})")
    _moved_event(s, new, at=at, run_id=run_id, detail=f"from {old.url} (document {old.id})")


def link_copies(
    s: Session,
    doc: Document,
    *,
    text: str,
    fingerprint: int,
    new_document: bool,
    at: dt.datetime,
    run_id: int | None,
) -> None:
    """After a new version: store its fingerprint, then find what the document copies."""
    indexed = long_enough(text)
    save_fingerprint(s, doc, fingerprint, indexed=indexed)
    if not indexed:
        doc.duplicate_of_id = None
        return
    related = {doc.moved_from_id} | set(
        s.execute(select(Document.id).where(Document.moved_from_id == doc.id)).scalars()
    )
    copies = [
        c
        for c in near_documents(s, doc.id, fingerprint)[:MAX_VERIFY]
        if c.id not in related and is_copy(text, _text_of(s, c.id, c.version_count))
    ]
    if new_document:
        moved_away = set(
            s.execute(
                select(Document.moved_from_id).where(
                    Document.moved_from_id.in_([c.id for c in copies])
                )
            ).scalars()
        )
        gone = [
            c
            for c in copies
            if c.source_id == doc.source_id and c.status == "gone" and c.id not in moved_away
        ]
        if gone:
            old = s.get_one(Document, gone[-1].id)  # the most recently first seen
            link_move(s, old=old, new=doc, at=at, run_id=run_id)
            return
    earlier = [c for c in copies if (c.first_seen_at, c.id) < (doc.first_seen_at, doc.id)]
    if earlier:
        doc.duplicate_of_id = earlier[0].duplicate_of_id or earlier[0].id
    elif doc.moved_from_id is None:
        doc.duplicate_of_id = None


def move_on_gone(s: Session, doc: Document, *, at: dt.datetime, run_id: int | None) -> None:
    """`doc` was just found gone: a live copy of it on its source, first seen after `doc`
    was last seen, is where it moved.

    The copy points at `doc`, or at the original `doc` itself copies (duplicate_of is always
    the root), so the candidates are checked against `doc`'s text.
    """
    if s.execute(select(Document.id).where(Document.moved_from_id == doc.id).limit(1)).first():
        return
    roots = [doc.id] + ([doc.duplicate_of_id] if doc.duplicate_of_id else [])
    candidates = s.execute(
        select(Document)
        .where(
            Document.duplicate_of_id.in_(roots),
            Document.source_id == doc.source_id,
            Document.id != doc.id,
            Document.status == "live",
            Document.moved_from_id.is_(None),
            Document.first_seen_at > doc.last_seen_at,
        )
        .order_by(Document.first_seen_at, Document.id)
        .limit(MAX_VERIFY)
    ).scalars()
    text = _text_of(s, doc.id, doc.version_count)
    for new in candidates:
        if is_copy(text, _text_of(s, new.id, new.version_count)):
            link_move(s, old=doc, new=new, at=at, run_id=run_id)
            return
