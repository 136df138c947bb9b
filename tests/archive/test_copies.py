"""Near-duplicates and moves, on SQLite and PostgreSQL: the same report at another URL or on
another source is marked on the later copy; a gone document's text at a new URL of its
source is a move, linked both ways with an event on each."""

from __future__ import annotations

import datetime as dt

from archive import Archive
from archive.copies import is_copy, shared_fraction
from archive.queries import DocumentFilter, find_document, history_json, hits_json, query_documents
from archive.textindex import index_text
from crawler.portal.catalogue import make_notices
from tests.archive.pages import T0, page, report

A = "http://mzj.lanzhou.gov.cn/art/2024/2/2/art_1_1.html"
B = "http://mzj.lanzhou.gov.cn/art/2024/3/1/art_1_2.html"
C = "http://mzt.gansu.gov.cn/art/2024/3/5/art_9_9.html"
DAY = dt.timedelta(days=1)


def doc(archive: Archive, url: str) -> dict[str, object]:
    return next(r for r in _all(archive) if r["url"] == url)


def events(archive: Archive, url: str) -> list[tuple[str, str | None]]:
    with archive.session() as s:
        hist = history_json(s, find_document(s, url))
    return [(e["kind"], e.get("detail")) for e in hist["events"]]


def test_the_same_report_on_another_source_is_a_duplicate_of_the_first(archive: Archive) -> None:
    text = report()
    archive.record_page(page(A, text))
    # republished elsewhere with a source line on top and the signature dropped
    copy = "来源：兰州市民政局\n" + "\n".join(text.split("\n")[:-1])
    archive.record_page(page(C, copy, source="t", at=T0 + DAY))
    first, second = doc(archive, A), doc(archive, C)
    assert first["duplicate_of"] is None
    assert second["duplicate_of"] == first["id"]


def test_templated_notices_of_two_agencies_are_not_duplicates(archive: Archive) -> None:
    # same template, other agency and other figures: wording shared, facts not
    ours = make_notices("兰州市民政局", seed=1, first_article_id=1)
    theirs = make_notices("甘肃省民政厅", seed=2, first_article_id=100)
    for i, (x, y) in enumerate(zip(ours, theirs, strict=True)):
        archive.record_page(page(f"{A}?n={i}", x.text, title=x.title))
        archive.record_page(page(f"{C}?n={i}", y.text, title=y.title, source="t", at=T0 + DAY))
    assert all(d["duplicate_of"] is None for d in _all(archive))


def test_short_identical_bodies_are_not_duplicates(archive: Archive) -> None:
    archive.record_page(page(A, "详见附件。", title="关于公布名单的通知"))
    archive.record_page(page(B, "详见附件。", title="关于公布另一份名单的通知", at=T0 + DAY))
    assert [d["duplicate_of"] for d in _all(archive)] == [None, None]


def test_a_copy_of_a_copy_points_at_the_original(archive: Archive) -> None:
    text = report("weihai-2020-fzzf")
    archive.record_page(page(A, text))
    archive.record_page(page(B, text + "\n（转载）", at=T0 + DAY))
    archive.record_page(page(C, text, source="t", at=T0 + 2 * DAY))
    original = doc(archive, A)["id"]
    assert doc(archive, B)["duplicate_of"] == original
    assert doc(archive, C)["duplicate_of"] == original


def test_a_copy_rewritten_into_something_else_is_no_longer_a_duplicate(archive: Archive) -> None:
    archive.record_page(page(A, report()))
    archive.record_page(page(C, report(), source="t", at=T0 + DAY))
    assert doc(archive, C)["duplicate_of"] == doc(archive, A)["id"]
    archive.record_page(page(C, report("jinzhong-2021-fzzf"), source="t", at=T0 + 2 * DAY))
    assert doc(archive, C)["duplicate_of"] is None


def test_a_gone_documents_text_at_a_new_url_is_a_move(archive: Archive) -> None:
    text = report()
    archive.record_page(page(A, text))
    archive.record_gone(source_id="s", url=A, at=T0 + DAY, reason="HTTP 404")
    archive.record_page(page(B, text, at=T0 + 2 * DAY))
    old, new = doc(archive, A), doc(archive, B)
    assert new["moved_from"] == old["id"] and old["moved_to"] == new["id"]
    assert new["duplicate_of"] is None and old["status"] == "gone"
    assert events(archive, A) == [
        ("first_seen", None),
        ("gone", "HTTP 404"),
        ("moved", f"to {B} (document {new['id']})"),
    ]
    assert events(archive, B) == [
        ("first_seen", None),
        ("moved", f"from {A} (document {old['id']})"),
    ]


def test_a_new_url_seen_before_the_old_one_is_found_gone_is_a_move_too(archive: Archive) -> None:
    # the crawler may fetch the new URL first and the old one's 404 later in the same run
    text = report()
    archive.record_page(page(A, text))
    archive.record_page(page(B, text, at=T0 + DAY))
    assert doc(archive, B)["duplicate_of"] == doc(archive, A)["id"]
    archive.record_gone(source_id="s", url=A, at=T0 + DAY + dt.timedelta(seconds=5), reason="410")
    old, new = doc(archive, A), doc(archive, B)
    assert new["moved_from"] == old["id"] and new["duplicate_of"] is None
    assert [k for k, _ in events(archive, A)] == ["first_seen", "gone", "moved"]
    assert [k for k, _ in events(archive, B)] == ["first_seen", "moved"]


def test_a_move_of_a_copy_is_found_through_the_original(archive: Archive) -> None:
    text = report()
    archive.record_page(page(C, text, source="t"))  # the original, on another source
    archive.record_page(page(A, text, at=T0 + DAY))  # our copy of it
    archive.record_page(page(B, text, at=T0 + 2 * DAY))  # our copy moved; seen first
    original = doc(archive, C)["id"]
    assert doc(archive, A)["duplicate_of"] == original
    assert doc(archive, B)["duplicate_of"] == original
    archive.record_gone(source_id="s", url=A, at=T0 + 2 * DAY, reason="HTTP 404")
    moved = doc(archive, B)
    assert moved["moved_from"] == doc(archive, A)["id"]
    assert moved["duplicate_of"] == original  # still a copy of the original


def test_a_copy_that_lived_beside_the_original_does_not_become_a_move(archive: Archive) -> None:
    text = report()
    archive.record_page(page(A, text))
    archive.record_page(page(B, text, at=T0 + DAY))  # listed in two columns
    archive.record_unchanged(source_id="s", url=A, at=T0 + 2 * DAY)  # both still there
    archive.record_gone(source_id="s", url=A, at=T0 + 3 * DAY, reason="HTTP 404")
    assert doc(archive, B)["moved_from"] is None
    assert doc(archive, B)["duplicate_of"] == doc(archive, A)["id"]


def test_the_same_text_on_another_source_after_a_withdrawal_is_a_duplicate(
    archive: Archive,
) -> None:
    archive.record_page(page(A, report()))
    archive.record_gone(source_id="s", url=A, at=T0 + DAY, reason="HTTP 404")
    archive.record_page(page(C, report(), source="t", at=T0 + 2 * DAY))
    assert doc(archive, C)["moved_from"] is None
    assert doc(archive, C)["duplicate_of"] == doc(archive, A)["id"]


def test_the_crawlers_precomputed_index_fields_are_used(archive: Archive) -> None:
    text = report()
    index = index_text(text)
    archive.record_page(page(A, text, search_text=index.search_text, simhash=index.simhash))
    archive.record_page(page(C, text, source="t", at=T0 + DAY))  # computed by the archive
    assert doc(archive, C)["duplicate_of"] == doc(archive, A)["id"]
    # a search_text given by the crawler is what gets indexed
    archive.record_page(page(B, "正文很短。", search_text="zzmarker 正文", at=T0 + DAY))
    with archive.session() as s:
        hits = query_documents(s, DocumentFilter(text="zzmarker"))
    assert [h.document.url for h in hits] == [B]


def test_sentence_coverage_is_what_tells_copies_apart() -> None:
    text = report()
    assert shared_fraction(text, text) == 1.0
    assert is_copy(text, text.replace("46次", "48次"))  # one corrected figure: still a copy
    half = "\n".join(text.split("\n")[: len(text.split("\n")) // 2])
    assert not is_copy(text, half)


def _all(archive: Archive) -> list[dict[str, object]]:
    with archive.session() as s:
        return hits_json(s, query_documents(s, DocumentFilter()))
