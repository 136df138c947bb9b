"""Full-text search over jieba-segmented text, indexed on both backends.

Each document's title and latest text are indexed as the words archive.segment.search_tokens()
finds, separated by spaces. SQLite keeps them in an FTS5 table with the `ascii` tokenizer,
which splits only on ASCII spaces and punctuation, so the segmentation is jieba's, not FTS5's.
PostgreSQL keeps the same words as a tsvector built with array_to_tsvector(), which takes
lexemes as they are (no parser, no stemming, no locale), under a GIN index.

A query's words (archive.segment.query_terms()) must all occur. Hits show a snippet cut from
the stored text around the first word found.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import Connection, TextClause, text
from sqlalchemy.orm import Session

from archive.segment import search_tokens

TABLE = "document_search"
# PostgreSQL refuses a tsvector over 1 MB (and the index concatenates title and body); a page
# with more distinct words than fit is indexed by the first ones.
_PG_BODY_BUDGET = 900_000
_PG_TITLE_BUDGET = 50_000
_SPACE = re.compile(r"\s+")
# Queries must use this very expression for PostgreSQL to use the GIN index on it.
_PG_TERMS = "(title || body)"


def dialect_of(db: Session | Connection) -> str:
    """The backend name of a session or connection."""
    return db.get_bind().dialect.name if isinstance(db, Session) else db.dialect.name


def create_table(conn: Connection) -> None:
    """Create the full-text table of the connection's backend (used by migrations)."""
    if conn.dialect.name == "postgresql":
        conn.execute(
            text(
                f"CREATE TABLE {TABLE} (document_id INTEGER PRIMARY KEY "
                "REFERENCES documents(id), title TSVECTOR NOT NULL, body TSVECTOR NOT NULL)"
            )
        )
        conn.execute(text(f"CREATE INDEX ix_{TABLE}_terms ON {TABLE} USING GIN ({_PG_TERMS})"))
    else:
        conn.execute(text(f"CREATE VIRTUAL TABLE {TABLE} USING fts5(title, body, tokenize=ascii)"))


def drop_table(conn: Connection) -> None:
    conn.execute(text(f"DROP TABLE IF EXISTS {TABLE}"))


def _pg_terms(words: Sequence[str], budget: int) -> list[str]:
    """Distinct words that fit in `budget` bytes of tsvector, in first-seen order."""
    seen: dict[str, None] = {}
    for word in words:
        if word and word not in seen and len(word) < 500:
            budget -= len(word.encode("utf-8")) + 8
            if budget < 0:
                break
            seen[word] = None
    return list(seen)


def _title_text(title: str | None) -> str:
    return " ".join(search_tokens(title)) if title else ""


def index_document(
    db: Session | Connection, document_id: int, *, title: str | None, search_text: str
) -> None:
    """(Re)index one document: its title and the search_text of its latest version."""
    title_text = _title_text(title)
    if dialect_of(db) == "postgresql":
        db.execute(
            text(
                f"INSERT INTO {TABLE} (document_id, title, body) VALUES (:id, "
                "array_to_tsvector(CAST(:title AS TEXT[])), "
                "array_to_tsvector(CAST(:body AS TEXT[]))) "
                "ON CONFLICT (document_id) "
                "DO UPDATE SET title = EXCLUDED.title, body = EXCLUDED.body"
            ),
            {
                "id": document_id,
                "title": _pg_terms(title_text.split(), _PG_TITLE_BUDGET),
                "body": _pg_terms(search_text.split(), _PG_BODY_BUDGET),
            },
        )
    else:
        db.execute(text(f"DELETE FROM {TABLE} WHERE rowid = :id"), {"id": document_id})
        db.execute(
            text(f"INSERT INTO {TABLE} (rowid, title, body) VALUES (:id, :title, :body)"),
            {"id": document_id, "title": title_text, "body": search_text},
        )


def index_title(db: Session | Connection, document_id: int, *, title: str | None) -> None:
    """Re-index a document's title alone (its text did not change)."""
    title_text = _title_text(title)
    if dialect_of(db) == "postgresql":
        db.execute(
            text(
                f"UPDATE {TABLE} SET title = array_to_tsvector(CAST(:title AS TEXT[])) "
                "WHERE document_id = :id"
            ),
            {"id": document_id, "title": _pg_terms(title_text.split(), _PG_TITLE_BUDGET)},
        )
    else:
        # FTS5 rows are replaced, not updated in place, so this reads the body back.
        body = db.execute(
            text(f"SELECT body FROM {TABLE} WHERE rowid = :id"), {"id": document_id}
        ).scalar_one_or_none()
        if body is not None:
            index_document(db, document_id, title=title, search_text=body)


def _fts5_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _tsquery_lexeme(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def matching_ids(dialect: str, terms: Sequence[str]) -> TextClause:
    """A subquery of the ids of documents holding every term (for `Document.id.in_()`)."""
    if not terms:
        raise ValueError("a full-text search needs at least one word")
    if dialect == "postgresql":
        query = " & ".join(_tsquery_lexeme(t) for t in terms)
        return text(
            f"SELECT document_id FROM {TABLE} WHERE {_PG_TERMS} @@ CAST(:tsquery AS TSQUERY)"
        ).bindparams(tsquery=query)
    query = " ".join(_fts5_phrase(t) for t in terms)
    return text(f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH :match").bindparams(match=query)


def snippet(body: str, terms: Sequence[str], *, before: int = 24, after: int = 56) -> str:
    """A one-line window of the text around the first place one of the terms occurs.

    >>> snippet("一、总体情况\\n全年办理行政复议案件12件，均在法定期限内办结。", ["行政复议"])
    '一、总体情况 全年办理行政复议案件12件，均在法定期限内办结。'
    >>> snippet("甲" * 40 + "行政复议" + "乙" * 80, ["行政复议"], before=4, after=8)
    '…甲甲甲甲行政复议乙乙乙乙…'
    >>> snippet("正文", ["没有"])
    '正文'
    """
    flat = _SPACE.sub(" ", body).strip()
    folded = flat.lower()
    found = [i for i in (folded.find(t.lower()) for t in terms) if i >= 0]
    start = min(found) if found else 0
    lo, hi = max(0, start - before), min(len(flat), start + after)
    return ("…" if lo > 0 else "") + flat[lo:hi] + ("…" if hi < len(flat) else "")


def contains_terms(body: str, terms: Sequence[str]) -> bool:
    """True if every term occurs in the text (how --text reads a text as it stood at --as-of).

    >>> contains_terms("全年办理行政复议案件12件", ["行政复议", "12件"])
    True
    >>> contains_terms("全年办理行政复议案件12件", ["行政复议", "诉讼"])
    False
    """
    folded = _SPACE.sub("", body).lower()
    return all(t.lower() in folded for t in terms)
