"""Every CLI command: output shapes, --json purity, exit codes and error messages."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from crawler.portal import Portal
from scheduler.cli.main import main
from tests.conftest import run_gongkai

DOC_KEYS = {
    "id",
    "source",
    "url",
    "title",
    "published",
    "doc_number",
    "index_number",
    "publisher",
    "status",
    "first_seen",
    "last_seen",
    "last_changed",
    "versions",
    "attachments",
}
RUN_KEYS = {
    "id",
    "source",
    "started_at",
    "finished_at",
    "status",
    "pages",
    "new_documents",
    "new_versions",
    "gone",
    "errors",
    "message",
}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Portal, str]]:
    """A portal crawled twice, with one report edited in between."""
    folder = tmp_path_factory.mktemp("cli")
    db = f"sqlite:///{folder / 'archive.db'}"
    with Portal() as portal:
        seeds = portal.write_seeds(folder / "seeds")
        for round_ in range(2):
            if round_:
                portal.edit("jinzhong-mzj", "report", "13部法律法规", "15部法律法规")
            result = run_gongkai("crawl", "--seeds", str(seeds), "--db", db, "--quiet")
            assert result.returncode == 0, result.stderr
        yield portal, db


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def cli_json(*args: str) -> object:
    code, out, err = cli(*args, "--json")
    assert code == 0, err
    return json.loads(out)  # stdout holds exactly one JSON value


def test_runs_lists_every_run_newest_last(crawled: tuple[Portal, str]) -> None:
    _, db = crawled
    runs = cli_json("runs", "--db", db)
    assert len(runs) == 10 and all(set(r) >= RUN_KEYS for r in runs)
    assert [r["id"] for r in runs] == sorted(r["id"] for r in runs)
    assert {r["status"] for r in runs} == {"ok"}
    only = cli_json("runs", "--db", db, "--source", "weihai-mzj")
    assert [r["source"] for r in only] == ["weihai-mzj", "weihai-mzj"]
    code, out, _ = cli("runs", "--db", db)
    assert code == 0 and "weihai-mzj" in out and "ok" in out


def test_query_shapes_and_filters(crawled: tuple[Portal, str]) -> None:
    portal, db = crawled
    docs = cli_json("query", "--db", db)
    assert len(docs) == sum(1 for _ in portal.pages())
    assert all(set(d) >= DOC_KEYS for d in docs)
    assert all(d["first_seen"].endswith("+08:00") for d in docs)
    changed = [d for d in docs if d["versions"] == 2]
    assert [d["url"] for d in changed] == [portal.page_url("jinzhong-mzj", "report")]
    kind = cli_json("query", "--db", db, "--kind", "法治政府建设年度报告", "--year", "2021")
    assert [d["title"] for d in kind] == ["晋中市民政局2021年法治政府建设情况报告"]
    assert cli_json("query", "--db", db, "--source", "gx-mzt", "--status", "gone") == []
    since = cli_json("query", "--db", db, "--changed-from", changed[0]["last_changed"])
    assert changed[0]["url"] in {d["url"] for d in since}
    assert cli_json("query", "--db", db, "--first-seen-to", "2000-01-01") == []
    code, out, _ = cli("query", "--db", db, "--source", "gx-mzt")
    assert code == 0 and "documents" in out


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--published-from", "2024-13-01"),
        ("--published-to", "yesterday"),
        ("--changed-from", "2024-02-30T08:00"),
        ("--first-seen-to", "soon"),
    ],
)
def test_bad_dates_exit_2_and_name_the_option(
    crawled: tuple[Portal, str], option: str, value: str
) -> None:
    _, db = crawled
    code, out, err = cli("query", "--db", db, option, value)
    assert code == 2 and option in err and value in err and out == ""


def test_show_by_id_and_url_and_as_of(crawled: tuple[Portal, str]) -> None:
    portal, db = crawled
    url = portal.page_url("jinzhong-mzj", "report")
    by_url = cli_json("show", url, "--db", db)
    by_id = cli_json("show", str(by_url["id"]), "--db", db)
    assert by_id == by_url
    assert by_url["version"]["n"] == 2 and "15部法律法规" in by_url["text"]
    assert set(by_url["version"]) == {"n", "fetched_at", "sha256"}
    first = cli_json("history", url, "--db", db)["versions"][0]
    old = cli_json("show", url, "--db", db, "--as-of", first["fetched_at"])
    assert old["version"]["n"] == 1 and "13部法律法规" in old["text"]
    code, _, err = cli("show", url, "--db", db, "--as-of", "2000-01-01T00:00:00")
    assert code == 1 and "no archived version" in err
    code, out, _ = cli("show", url, "--db", db)
    assert code == 0 and "晋中市民政局2021年法治政府建设情况报告" in out and "15部法律法规" in out


def test_unknown_document_exits_1(crawled: tuple[Portal, str]) -> None:
    _, db = crawled
    for command in ("show", "history", "diff"):
        code, out, err = cli(command, "99999", "--db", db)
        assert code == 1 and "no document" in err and out == ""
    code, _, err = cli("show", "http://nowhere.gov.cn/x.html", "--db", db)
    assert code == 1 and "nowhere.gov.cn" in err


def test_history_and_diff(crawled: tuple[Portal, str]) -> None:
    portal, db = crawled
    url = portal.page_url("jinzhong-mzj", "report")
    history = cli_json("history", url, "--db", db)
    assert set(history) == {"document", "versions", "events", "metadata_edits"}
    assert history["metadata_edits"] == []  # the edit changed the text: a version
    assert [e["kind"] for e in history["events"]] == ["first_seen", "changed"]
    diff = cli_json("diff", url, "--db", db)
    assert [(c["op"], c["old"], c["new"]) for c in diff["changes"]] == [("replace", "13部", "15部")]
    explicit = cli_json("diff", url, "--db", db, "--from", "1", "--to", "2")
    assert explicit["changes"] == diff["changes"]
    code, out, _ = cli("diff", url, "--db", db)
    assert code == 0 and "[-13部-]{+15部+}" in out
    code, _, err = cli("diff", url, "--db", db, "--to", "7")
    assert code == 1 and "no version 7" in err
    single = portal.page_url("gx-mzt", "report")
    code, _, err = cli("diff", single, "--db", db)
    assert code == 1 and "only 1 version" in err


def test_crawl_exits_1_when_a_source_fails_and_keeps_the_others(
    portal: Portal, tmp_path: Path
) -> None:
    seeds = portal.write_seeds(tmp_path / "seeds")
    with socket.socket() as s:  # a port nothing listens on: connection refused
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
    (seeds / "dead.yaml").write_text(
        f"id: dead\nname: 关闭的网站\nstart_urls: [http://127.0.0.1:{dead}/col/col1/index.html]\n"
        "delay: 0\nretries: 0\n",
        encoding="utf-8",
    )
    db = f"sqlite:///{tmp_path / 'archive.db'}"
    result = run_gongkai("crawl", "dead", "lanzhou-mzj", "--seeds", str(seeds), "--db", db)
    assert result.returncode == 1
    assert "dead" in result.stdout and "failed" in result.stdout
    runs = {r["source"]: r for r in json.loads(run_gongkai("runs", "--db", db, "--json").stdout)}
    assert runs["dead"]["status"] == "failed" and "refused" in runs["dead"]["message"]
    assert runs["lanzhou-mzj"]["status"] == "ok" and runs["lanzhou-mzj"]["new_documents"] == 9


def test_crawl_usage_errors_exit_2(tmp_path: Path, seeds_dir: Path) -> None:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    result = run_gongkai("crawl", "no-such-source", "--seeds", str(seeds_dir), "--db", db)
    assert result.returncode == 2 and "no-such-source" in result.stderr
    result = run_gongkai("crawl", "--seeds", str(tmp_path / "missing"), "--db", db)
    assert result.returncode == 2 and "missing" in result.stderr
    result = run_gongkai("crawl", "--max-parallel", "0", "--seeds", str(seeds_dir))
    assert result.returncode == 2 and "--max-parallel" in result.stderr


def test_dead_database_is_a_clear_error(tmp_path: Path) -> None:
    code, out, err = cli("query", "--db", f"sqlite:///{tmp_path}/no/such/dir/a.db")
    assert code == 1 and "does not exist" in err and out == ""
    code, _, err = cli("runs", "--db", "postgresql://127.0.0.1:1/none")
    assert code == 1 and "cannot open the archive" in err
    code, _, err = cli("runs", "--db", "not a url")
    assert code == 1 and "not a SQLAlchemy URL" in err


def test_environment_supplies_db_and_seeds(crawled: tuple[Portal, str]) -> None:
    _, db = crawled
    result = CliRunner(env={"GONGKAI_DB": db}).invoke(main, ["runs", "--json"])
    assert result.exit_code == 0 and len(json.loads(result.stdout)) == 10


def test_demo_archives_the_portal_and_prints_how_to_query(tmp_path: Path) -> None:
    result = run_gongkai("demo", "--dir", str(tmp_path / "demo"))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "45 documents" in out and "1 gone" in out and "46 versions" in out
    assert "gongkai query --db sqlite:///" in out and "gongkai diff" in out
    db = f"sqlite:///{tmp_path / 'demo' / 'archive.db'}"
    docs = json.loads(run_gongkai("query", "--db", db, "--json").stdout)
    assert len(docs) == 45 and sum(d["versions"] for d in docs) == 46
    # a second demo replaces its own folder, but never a folder it didn't make
    assert run_gongkai("demo", "--dir", str(tmp_path / "demo")).returncode == 0
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep me", encoding="utf-8")
    refused = run_gongkai("demo", "--dir", str(other))
    assert refused.returncode == 2 and (other / "notes.txt").exists()


def test_interrupted_crawl_closes_its_runs_and_prints_the_summary(
    portal: Portal, tmp_path: Path
) -> None:
    import signal
    import subprocess
    import sys
    import time

    seeds = portal.write_seeds(tmp_path / "seeds", delay=1.0)
    db = f"sqlite:///{tmp_path / 'archive.db'}"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "scheduler.cli.main",
            "crawl",
            "--seeds",
            str(seeds),
            "--db",
            db,
            "--max-parallel",
            "2",
            "--quiet",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not sum(site.requests.count("/robots.txt") for site in portal.sites.values()):
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.2)
    time.sleep(2)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, err
    assert "Traceback" not in err and "crawl summary" in out
    runs = json.loads(run_gongkai("runs", "--db", db, "--json").stdout)
    assert runs and all(r["status"] == "failed" for r in runs)
    assert {r["message"] for r in runs} == {"crawl stopped early: shutdown"}
    assert "not crawled: gongkai was told to stop" in out  # sources not yet started
    check = json.loads(run_gongkai("check", "--db", db, "--json").stdout)
    assert check["ok"], check["problems"]


def test_a_second_crawl_of_a_running_source_is_refused(portal: Portal, tmp_path: Path) -> None:
    """A manual crawl while another crawl (the scheduler's, say) runs the same source is
    refused with exit 1 and names the running crawl; the first goes on undisturbed."""
    import subprocess
    import sys
    import time

    site = portal.sites["jinzhong-mzj"]
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "jinzhong-mzj.yaml").write_text(
        yaml.safe_dump(portal.seed("jinzhong-mzj", delay=0.5), allow_unicode=True),
        encoding="utf-8",
    )
    db = f"sqlite:///{tmp_path / 'archive.db'}"
    crawl = [sys.executable, "-m", "scheduler.cli.main", "crawl", "--seeds", str(seeds)]
    first = subprocess.Popen(
        [*crawl, "--db", db, "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 60
    while not site.requests:
        assert time.monotonic() < deadline and first.poll() is None
        time.sleep(0.1)
    second = run_gongkai("crawl", "--seeds", str(seeds), "--db", db, "--quiet")
    assert first.poll() is None, "the first crawl ended before the second was tried"
    assert second.returncode == 1, second.stderr
    said = " ".join(second.stdout.split())
    assert "not crawled: another crawl of jinzhong-mzj is running: run 1 (pid " in said
    assert f"pid {first.pid} on" in said
    out, err = first.communicate(timeout=120)
    assert "jinzhong-mzj" in out and "ok" in out
    assert first.returncode == 0, err
    runs = json.loads(run_gongkai("runs", "--db", db, "--json").stdout)
    assert [(r["id"], r["status"]) for r in runs] == [(1, "ok")]
    assert runs[0]["new_documents"] > 0
