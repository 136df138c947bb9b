"""The archive's commands on both backends, in process: query --text/--as-of/--limit, show
--as-of and copies, history with moves, diff, in JSON and as tables."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from archive import Archive
from scheduler.cli.main import main
from tests.archive.pages import T0, page, report

A = "http://mzj.lanzhou.gov.cn/art/2024/2/2/art_1_1.html"
MOVED = "http://mzj.lanzhou.gov.cn/art/2024/9/9/art_1_9.html"
COPY = "http://mzt.gansu.gov.cn/art/2024/3/1/art_9_1.html"
DAY = dt.timedelta(days=1)


@pytest.fixture
def db(archive: Archive, db_url: str) -> str:
    text = report()
    archive.record_page(page(A, text, title="兰州市民政局关于2023年法治政府建设情况的报告"))
    archive.record_page(page(A, text.replace("1682人次", "1728人次"), at=T0 + 2 * DAY))
    archive.record_page(page(COPY, text, source="t", at=T0 + 3 * DAY, title="转载"))
    archive.record_gone(source_id="s", url=A, at=T0 + 4 * DAY, reason="HTTP 404")
    archive.record_page(page(MOVED, text.replace("1682人次", "1728人次"), at=T0 + 5 * DAY))
    return db_url


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def run_json(*args: str) -> object:
    code, out = run(*args, "--json")
    assert code == 0, out
    return json.loads(out)


def test_query_text_gives_hits_with_snippets(db: str) -> None:
    hits = run_json("query", "--db", db, "--text", "1728人次")
    assert {h["url"] for h in hits} == {A, MOVED}  # gone documents are found too
    assert all("1728人次" in h["snippet"] for h in hits)
    assert (
        run_json("query", "--db", db, "--text", "1728人次", "--status", "live")[0]["url"] == MOVED
    )
    code, table = run("query", "--db", db, "--text", "流浪乞讨")
    assert code == 0 and "救助流浪乞讨人员1728人次" in table


def test_query_as_of_and_limit(db: str) -> None:
    then = run_json("query", "--db", db, "--as-of", (T0 + DAY).isoformat())
    assert [(r["url"], r["version"]["n"]) for r in then] == [(A, 1)]
    code, out = run("query", "--db", db, "--as-of", (T0 + DAY).isoformat())
    assert code == 0 and "1 documents as of" in out
    assert len(run_json("query", "--db", db, "--limit", "1")) == 1
    code, out = run("query", "--db", db, "--limit", "0")
    assert code == 2 and "--limit" in out
    code, out = run("query", "--db", db, "--as-of", "yesterday")
    assert code == 2 and "--as-of" in out


def test_show_reports_copies_moves_and_the_state_as_of(db: str) -> None:
    rows = {r["url"]: r for r in run_json("query", "--db", db)}
    original, copy, moved = rows[A], rows[COPY], rows[MOVED]
    assert copy["duplicate_of"] == original["id"]
    assert moved["moved_from"] == original["id"] and original["moved_to"] == moved["id"]
    shown = run_json("show", str(original["id"]), "--db", db)
    assert shown["duplicates"] == [copy["id"]] and shown["status"] == "gone"
    assert shown["version"]["n"] == 2 and "1728人次" in shown["text"]
    then = run_json("show", A, "--db", db, "--as-of", (T0 + DAY).isoformat())
    assert then["status"] == "live" and then["version"]["n"] == 1 and then["versions"] == 1
    assert "1682人次" in then["text"]
    code, out = run("show", str(original["id"]), "--db", db)
    assert code == 0 and f"duplicates: {copy['id']}" in out and f"moved to: {moved['id']}" in out


def test_history_shows_the_move_on_both_documents(db: str) -> None:
    old = run_json("history", A, "--db", db)
    new = run_json("history", MOVED, "--db", db)
    assert [e["kind"] for e in old["events"]] == ["first_seen", "changed", "gone", "moved"]
    assert old["events"][-1]["detail"].startswith(f"to {MOVED}")
    assert [e["kind"] for e in new["events"]] == ["first_seen", "moved"]
    code, out = run("history", MOVED, "--db", db)
    assert code == 0 and f"moved v1  (from {A}" in out


def test_diff_shows_the_changed_figure_with_context(db: str) -> None:
    out = run_json("diff", A, "--db", db)
    assert out["changes"] == [
        {
            "op": "replace",
            "old": "1682人次",
            "new": "1728人次",
            "before": "建筑物进行排查,累计妥善救助流浪乞讨人员",
            "after": ",资助或护送返乡908人次,确保流浪乞讨",
        }
    ]
