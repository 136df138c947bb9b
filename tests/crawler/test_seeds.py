"""The seed contract: good seeds load; each kind of bad seed stops with exit 2, naming the
file, the key and the fix, before anything is crawled."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.seeds import Seed, SeedErrors, load_seeds, scan_seeds
from tests.conftest import run_gongkai

GOOD = """\
id: lanzhou-mzj
name: 兰州市民政局
start_urls:
  - http://mzj.lanzhou.gov.cn/col/col2506/index.html
cms: hanweb
match:
  title_keywords: [法治政府建设]
  url_patterns: ['/art/\\d{4}/']
schedule: "0 3 * * *"
delay: 1.5
max_pages: 10
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_seed_loads_with_defaults(tmp_path: Path) -> None:
    write(tmp_path, "lanzhou.yaml", GOOD)
    (seed,) = load_seeds(tmp_path)
    assert isinstance(seed, Seed)
    assert seed.id == "lanzhou-mzj" and seed.cms == "hanweb" and seed.delay == 1.5
    assert seed.match.keeps(
        title="关于2023年法治政府建设情况的报告",
        url="http://mzj.lanzhou.gov.cn/art/2024/2/2/art_2506_1.html",
    )
    assert not seed.match.keeps(
        title="关于春节值班的通知", url="http://mzj.lanzhou.gov.cn/art/2024/2/2/art_2506_2.html"
    )
    assert seed.hosts == ("mzj.lanzhou.gov.cn",)
    assert seed.concurrency == 2 and seed.max_size_mb == 50 and seed.timeout == 7200


def test_minimal_seed_has_contract_defaults(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "id: a\nname: A\nstart_urls: [https://a.gov.cn/]\n")
    (seed,) = load_seeds(tmp_path)
    assert (seed.cms, seed.schedule, seed.delay, seed.max_pages) == (None, None, 1.0, 50)


BAD = {
    "yaml": ("id: a\nname: [unclosed\n", None, "YAML syntax error at line"),
    "missing": ("id: a\nname: A\n", "start_urls", "required key is missing"),
    "unknown": (GOOD + "colour: red\n", "colour", "unknown key"),
    "cron": (GOOD.replace('"0 3 * * *"', '"61 3 * * *"'), "schedule", "61"),
    "cron-fields": (GOOD.replace('"0 3 * * *"', '"0 3 *"'), "schedule", "expected 5 fields"),
    "url": (GOOD.replace("http://mzj", "ftp://mzj"), "start_urls", "not an http(s) URL"),
    "id": (GOOD.replace("lanzhou-mzj", "Lanzhou_MZJ"), "id", "[a-z0-9-]+"),
    "cms": (GOOD.replace("cms: hanweb", "cms: wordpress"), "cms", "hanweb"),
    "regex": (
        GOOD.replace("'/art/\\d{4}/'", "'/art/(['"),
        "match.url_patterns",
        "not a valid regular expression",
    ),
    "delay": (GOOD.replace("delay: 1.5", "delay: -1"), "delay", "greater than or equal to 0"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_seed_is_reported_with_file_key_and_fix(tmp_path: Path, case: str) -> None:
    text, key, problem = BAD[case]
    path = write(tmp_path, f"{case}.yaml", text)
    scan = scan_seeds(tmp_path)
    assert not scan.seeds
    (error,) = scan.errors
    assert error.path == str(path)
    assert error.key == key
    assert problem in error.problem
    assert error.fix  # every error says how to fix it
    with pytest.raises(SeedErrors):
        load_seeds(tmp_path)


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", GOOD)
    write(tmp_path, "b.yaml", GOOD)
    scan = scan_seeds(tmp_path)
    assert list(scan.seeds) == ["lanzhou-mzj"]
    (error,) = scan.errors
    assert error.key == "id" and "duplicate id" in error.problem and "a.yaml" in error.problem


def test_every_problem_of_a_file_is_reported(tmp_path: Path) -> None:
    write(tmp_path, "x.yaml", "id: X!\nname: x\nstart_urls: [ftp://x]\nshade: 1\n")
    keys = {e.key for e in scan_seeds(tmp_path).errors}
    assert keys == {"id", "start_urls", "shade"}


def test_unknown_source_id_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", GOOD)
    with pytest.raises(SeedErrors, match="no source with id 'nope'"):
        load_seeds(tmp_path, ["nope"])


@pytest.mark.parametrize("case", ["cron", "unknown", "yaml"])
def test_crawl_with_bad_seed_exits_2_and_crawls_nothing(tmp_path: Path, case: str) -> None:
    seeds = tmp_path / "seeds"
    write(seeds, "good.yaml", GOOD.replace("lanzhou-mzj", "good"))
    path = write(seeds, f"{case}.yaml", BAD[case][0])
    db = tmp_path / "archive.db"
    result = run_gongkai("crawl", "--seeds", str(seeds), "--db", f"sqlite:///{db}")
    assert result.returncode == 2, result.stderr
    assert str(path) in result.stderr
    assert "fix:" in result.stderr and "nothing was crawled" in result.stderr
    key = BAD[case][1]
    if key:
        assert f"{key}:" in result.stderr
    assert not db.exists()  # not even an archive was created


@pytest.mark.parametrize(
    ("expr", "weekdays"),
    [
        ("0 3 * * 0-6", {0, 1, 2, 3, 4, 5, 6}),
        ("0 3 * * 0-2", {6, 0, 1}),  # crontab: Sunday, Monday, Tuesday
        ("0 3 * * */2", {6, 1, 3, 5}),  # Sunday, Tuesday, Thursday, Saturday
        ("0 3 * * 7", {6}),
        ("0 3 * * 1-5", {0, 1, 2, 3, 4}),
    ],
)
def test_weekdays_mean_what_crontab_means(expr: str, weekdays: set[int]) -> None:
    """Fire times over two weeks fall on exactly crontab's weekdays (Python: Monday is 0)."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from crawler.cron import cron_trigger

    trigger = cron_trigger(expr)
    now = dt.datetime(2026, 12, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    seen = set()
    previous = None
    for _ in range(14):
        now = trigger.get_next_fire_time(previous, now)
        seen.add(now.weekday())
        previous, now = now, now + dt.timedelta(seconds=1)
    assert seen == weekdays


@pytest.mark.parametrize("expr", ["0 3 * * 8", "0 3 * * 5-2", "0 3 * * funday"])
def test_bad_weekdays_are_refused(expr: str, tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", GOOD.replace('"0 3 * * *"', f'"{expr}"'))
    (error,) = scan_seeds(tmp_path).errors
    assert error.key == "schedule"
