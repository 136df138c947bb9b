"""`gongkai check` and archive.integrity on both backends: a whole archive passes; each kind
of half-written or damaged state is named, with the document and version it concerns."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from archive import Archive
from archive.integrity import check_archive
from archive.queries import find_document
from scheduler.cli.main import main
from tests.archive.pages import T0, page, report

A = "http://mzj.lanzhou.gov.cn/art/2024/2/2/art_1_1.html"


@pytest.fixture
def filled(archive: Archive) -> Archive:
    archive.record_page(page(A, report()))
    archive.record_page(page(A, report().replace("46次", "48次"), at=T0.replace(day=3)))
    return archive


def problems(archive: Archive, *, deep: bool = False) -> list[str]:
    with archive.session() as s:
        return check_archive(s, deep=deep)


def damage(archive: Archive, sql: str) -> int:
    with archive.session() as s:
        doc_id = find_document(s, A).id
        s.execute(sa.text(sql), {"id": doc_id})
    return doc_id


def test_a_whole_archive_has_no_problems(filled: Archive, db_url: str) -> None:
    assert problems(filled, deep=True) == []
    result = CliRunner().invoke(main, ["check", "--db", db_url, "--deep"])
    assert result.exit_code == 0 and "whole" in result.output


def test_a_gap_in_the_numbering_is_found(filled: Archive) -> None:
    doc_id = damage(filled, "UPDATE versions SET n = 3 WHERE document_id = :id AND n = 2")
    assert problems(filled) == [
        f"document {doc_id}: versions numbered 1..3 (2 rows, 2 distinct), but version_count is 2",
        f"document {doc_id} version 3 has no first_seen/changed event",
    ]


def test_a_count_ahead_of_the_versions_is_found(filled: Archive) -> None:
    doc_id = damage(filled, "UPDATE documents SET version_count = 3 WHERE id = :id")
    assert problems(filled) == [
        f"document {doc_id}: versions numbered 1..2 (2 rows, 2 distinct), but version_count is 3"
    ]


def test_a_missing_raw_response_and_event_and_index_row_are_found(
    filled: Archive, db_url: str
) -> None:
    doc_id = damage(
        filled, "UPDATE versions SET raw_sha256 = NULL WHERE document_id = :id AND n = 1"
    )
    damage(filled, "DELETE FROM events WHERE document_id = :id AND kind = 'changed'")
    key = "rowid" if db_url.startswith("sqlite") else "document_id"
    damage(filled, f"DELETE FROM document_search WHERE {key} = :id")
    assert problems(filled) == [
        f"document {doc_id} version 1: raw response None is not stored",
        f"document {doc_id} version 2 has no first_seen/changed event",
        f"document {doc_id} is missing from the full-text index",
    ]
    result = CliRunner().invoke(main, ["check", "--db", db_url, "--json"])
    assert result.exit_code == 1
    assert json.loads(result.output)["ok"] is False


def test_deep_finds_a_text_that_does_not_match_its_hash(filled: Archive) -> None:
    doc_id = damage(
        filled, "UPDATE versions SET text = 'tampered' WHERE document_id = :id AND n = 1"
    )
    assert problems(filled) == []
    assert problems(filled, deep=True) == [
        f"document {doc_id} version 1: text does not match its sha256"
    ]
