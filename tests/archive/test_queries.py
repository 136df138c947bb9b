"""Date, kind and year filters, and the archive as it stood at a time, on both backends."""

from __future__ import annotations

import datetime as dt

import pytest

from archive import Archive
from archive.queries import DocumentFilter, hits_json, query_documents
from tests.archive.pages import T0, page

DAY = dt.timedelta(days=1)
U = "http://mzj.lanzhou.gov.cn/art/{}.html"
FZZF = "法治政府建设年度报告"
GKNB = "政府信息公开工作年度报告"


@pytest.fixture
def history(archive: Archive) -> Archive:
    """Four documents over ten days: an edit, a withdrawal and a return."""
    archive.record_page(
        page(
            U.format(1),
            "2022年报告正文。",
            title="2022年报告",
            published=dt.date(2023, 1, 5),
            report_kind=FZZF,
            report_year=2022,
        )
    )
    archive.record_page(
        page(
            U.format(2),
            "2023年报告初稿。",
            title="2023年报告（初稿）",
            at=T0 + DAY,
            published=dt.date(2024, 1, 10),
            report_kind=FZZF,
            report_year=2023,
        )
    )
    archive.record_page(
        page(
            U.format(3),
            "公开年报。",
            title="2023年政府信息公开工作年度报告",
            at=T0 + 2 * DAY,
            published=dt.date(2024, 1, 20),
            report_kind=GKNB,
            report_year=2023,
        )
    )
    # day 4: document 2 is edited (and retitled); day 5: document 1 is withdrawn
    archive.record_page(
        page(
            U.format(2),
            "2023年报告定稿。",
            title="2023年报告",
            at=T0 + 4 * DAY,
            published=dt.date(2024, 1, 10),
            report_kind=FZZF,
            report_year=2023,
        )
    )
    archive.record_gone(source_id="s", url=U.format(1), at=T0 + 5 * DAY, reason="HTTP 404")
    # day 7: document 3 withdrawn, day 9: back; day 8: a new document appears
    archive.record_gone(source_id="s", url=U.format(3), at=T0 + 7 * DAY, reason="HTTP 410")
    archive.record_page(page(U.format(4), "新通知。", title="通知", at=T0 + 8 * DAY))
    archive.record_unchanged(source_id="s", url=U.format(3), at=T0 + 9 * DAY)
    return archive


def ids(archive: Archive, **kw: object) -> list[str]:
    return [r["url"][-6:-5] for r in rows(archive, **kw)]


def rows(archive: Archive, **kw: object) -> list[dict[str, object]]:
    with archive.session() as s:
        return hits_json(s, query_documents(s, DocumentFilter(**kw)))  # type: ignore[arg-type]


def test_published_range_is_inclusive_and_newest_first(history: Archive) -> None:
    assert ids(history, published_from=dt.date(2024, 1, 1)) == ["3", "2"]
    assert ids(history, published_to=dt.date(2024, 1, 10)) == ["2", "1"]
    assert ids(history, published_from=dt.date(2024, 1, 10), published_to=dt.date(2024, 1, 10)) == [
        "2"
    ]
    # documents without a date come last
    assert ids(history)[-1] == "4"


def test_first_seen_and_changed_ranges(history: Archive) -> None:
    assert ids(history, first_seen_from=T0 + DAY, first_seen_to=T0 + 2 * DAY) == ["3", "2"]
    assert ids(history, first_seen_from=T0 + 8 * DAY) == ["4"]
    assert ids(history, changed_from=T0 + 3 * DAY) == ["2", "4"]


def test_kind_year_source_and_status(history: Archive) -> None:
    assert ids(history, kind=FZZF) == ["2", "1"]
    assert ids(history, kind=FZZF, year=2023) == ["2"]
    assert ids(history, year=2023) == ["3", "2"]
    assert ids(history, status="gone") == ["1"]
    assert ids(history, source="t") == []
    assert len(ids(history, limit=2)) == 2


def test_as_of_lists_what_existed_then_with_its_version_then(history: Archive) -> None:
    # day 3: documents 1-3 exist, 2 is still the draft
    then = rows(history, as_of=T0 + 3 * DAY)
    assert [r["url"][-6:-5] for r in then] == ["3", "2", "1"]
    draft = then[1]
    assert draft["title"] == "2023年报告（初稿）" and draft["versions"] == 1
    assert draft["version"]["n"] == 1
    assert draft["last_changed"] == draft["version"]["fetched_at"]
    # now the same document is the final text, version 2
    (now,) = rows(history, as_of=T0 + 20 * DAY, kind=FZZF)
    assert now["title"] == "2023年报告" and now["version"]["n"] == 2


def test_as_of_leaves_out_what_was_gone_then(history: Archive) -> None:
    assert ids(history, as_of=T0 + 6 * DAY) == ["3", "2"]  # 1 was withdrawn on day 5
    assert ids(history, as_of=T0 + 7 * DAY + dt.timedelta(hours=1)) == ["2"]  # 3 gone
    assert ids(history, as_of=T0 + 9 * DAY) == ["3", "2", "4"]  # 3 back, 4 new
    assert ids(history, as_of=T0 + 7 * DAY + dt.timedelta(hours=1), status="gone") == ["3", "1"]
    assert ids(history, as_of=T0 - DAY) == []


def test_as_of_reports_status_and_last_seen_as_of_then(history: Archive) -> None:
    (gone,) = rows(history, as_of=T0 + 6 * DAY, status="gone")
    assert gone["status"] == "gone"
    (three,) = [r for r in rows(history, as_of=T0 + 3 * DAY) if r["url"].endswith("3.html")]
    # seen again on day 9, but as of day 3 the archive can only vouch for day 2
    assert three["last_seen"] == rows(history, as_of=T0 + 3 * DAY)[0]["version"]["fetched_at"]
    assert three["status"] == "live"


def test_as_of_changed_bounds_are_those_of_the_version_then(history: Archive) -> None:
    # document 2 changed on day 4; as of day 3 its last change was its first fetch (day 1)
    then = T0 + 3 * DAY
    assert ids(history, as_of=then, changed_from=T0 + DAY, changed_to=T0 + DAY) == ["2"]
    assert ids(history, as_of=then, changed_from=T0 + 3 * DAY) == []
    assert ids(history, as_of=T0 + 20 * DAY, changed_from=T0 + 4 * DAY) == ["2", "4"]


def test_as_of_is_inclusive_of_the_instant_given(history: Archive) -> None:
    assert "2" in ids(history, as_of=T0 + DAY)
