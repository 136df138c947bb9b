"""The archive's derived indexes: full-text search and near-duplicate / move links.

Writing a version does not need them, and building them (jieba segmentation, simhash,
comparing candidate copies) costs more CPU than fetching the page did, so a crawl may
defer them and run one index pass when its fetching is done. A document is due when its
`indexed_n` is behind its `version_count`; each is claimed by an UPDATE before it is
indexed, so two processes never index the same version twice.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

from sqlalchemy import Select, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from archive import search
from archive.copies import link_copies
from archive.models import Document, Version
from archive.textindex import TextIndex, index_text


def index_version(
    s: Session,
    doc: Document,
    *,
    n: int,
    text: str,
    index: TextIndex,
    at: dt.datetime,
    run_id: int | None,
) -> None:
    """Put version n of a document into the full-text and near-duplicate indexes."""
    search.index_document(s, doc.id, title=doc.title, search_text=index.search_text)
    link_copies(
        s, doc, text=text, fingerprint=index.simhash, new_document=n == 1, at=at, run_id=run_id
    )
    doc.indexed_n = n


def _due(sources: Sequence[str] | None) -> Select[int, int]:
    condition = or_(Document.indexed_n.is_(None), Document.indexed_n < Document.version_count)
    query = select(Document.id, Document.version_count).where(condition, Document.version_count > 0)
    if sources is not None:
        query = query.where(Document.source_id.in_(list(sources)))
    # First seen first, so an original is indexed before the copies that point at it.
    return query.order_by(Document.first_seen_at, Document.id)


@contextmanager
def _segmenter(workers: int) -> Iterator[Callable[[list[str]], list[TextIndex]]]:
    """index_text over a batch of texts, in worker processes when asked for."""
    if workers <= 1:
        yield lambda texts: [index_text(t) for t in texts]
        return
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield lambda texts: list(pool.map(index_text, texts, chunksize=8))


# Starting worker processes (each loads jieba's dictionary) costs about two seconds; below
# this many due documents one process is quicker.
POOL_MINIMUM = 200


def count_due(s: Session, sources: Sequence[str] | None = None) -> int:
    """How many documents wait for the index pass."""
    return len(s.execute(_due(sources)).all())


def index_pending(
    sessions: sessionmaker[Session],
    *,
    sources: Sequence[str] | None = None,
    workers: int = 0,
    batch: int = 100,
) -> int:
    """Index every due document, a batch per transaction; returns how many were indexed."""
    done = 0
    skipped: set[int] = set()
    if workers > 1:
        with sessions() as s:
            if count_due(s, sources) < POOL_MINIMUM:
                workers = 0
    with _segmenter(workers) as segment_all:
        while True:
            with sessions() as s:
                rows = [
                    r
                    for r in s.execute(_due(sources).limit(batch + len(skipped)))
                    if r.id not in skipped
                ][:batch]
                if not rows:
                    return done
                versions = {
                    (v.document_id, v.n): v
                    for v in s.execute(
                        select(
                            Version.document_id,
                            Version.n,
                            Version.text,
                            Version.fetched_at,
                            Version.run_id,
                        ).where(
                            or_(
                                *(
                                    (Version.document_id == r.id) & (Version.n == r.version_count)
                                    for r in rows
                                )
                            )
                        )
                    )
                }
            wanted = [r for r in rows if (r.id, r.version_count) in versions]
            indexes = segment_all([versions[(r.id, r.version_count)].text for r in wanted])
            with sessions.begin() as s:
                for r, index in zip(wanted, indexes, strict=True):
                    result = s.execute(
                        update(Document)
                        .where(
                            Document.id == r.id,
                            Document.version_count == r.version_count,
                            or_(Document.indexed_n.is_(None), Document.indexed_n < r.version_count),
                        )
                        .values(indexed_n=r.version_count)
                    )
                    if not getattr(
                        result, "rowcount", 0
                    ):  # indexed by another process, or changed since
                        skipped.add(r.id)
                        continue
                    doc = s.get_one(Document, r.id)
                    v = versions[(r.id, r.version_count)]
                    index_version(
                        s, doc, n=v.n, text=v.text, index=index, at=v.fetched_at, run_id=v.run_id
                    )
                    done += 1
            skipped.update(r.id for r in rows if (r.id, r.version_count) not in versions)
