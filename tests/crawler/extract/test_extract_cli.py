"""`gongkai extract`: readable and JSON output on a corpus page, errors as one line."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from crawler.cli.extract import extract
from tests.crawler.extract.conftest import CorpusPage

GANSU_URL = "https://fzgg.gansu.gov.cn/fzgg/tzgg/202502/174084153.shtml"


@pytest.mark.parametrize("corpus_page", ["gansu-fzgg"], indirect=True)
def test_json_output(corpus_page: CorpusPage) -> None:
    result = CliRunner().invoke(extract, [str(corpus_page.path), "--url", GANSU_URL, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {
        "title", "published", "doc_number", "index_number", "publisher",
        "report_kind", "report_year", "attachments", "text",
    }  # fmt: skip
    assert data["title"] == corpus_page.spec["title"]
    assert data["published"] == "2025-02-26"
    assert data["attachments"][0]["url"].startswith("https://fzgg.gansu.gov.cn/fzgg/tzgg/202502/")
    assert "扫一扫" not in data["text"]
    assert "各市、自治州人民政府" in result.stdout  # ensure_ascii=False


@pytest.mark.parametrize("corpus_page", ["nfra-rendered"], indirect=True)
def test_readable_output(corpus_page: CorpusPage) -> None:
    result = CliRunner().invoke(extract, [str(corpus_page.path)])
    assert result.exit_code == 0, result.output
    assert "金罚决字〔2024〕36号" in result.stdout
    assert "保险和非银机构检查局" in result.stdout
    assert "对复星联合健康保险股份有限公司合计罚款158万元" in result.stdout


def test_brackets_in_text_survive_readable_output(tmp_path) -> None:
    page = tmp_path / "p.html"
    page.write_text(
        "<html><body><div id='zoom'><p>国办发[2024]1号 [bold]不是标记[/bold]</p></div></body>",
        encoding="utf-8",
    )
    result = CliRunner().invoke(extract, [str(page)])
    assert "国办发[2024]1号 [bold]不是标记[/bold]" in result.stdout


def test_missing_file_is_one_line_exit_1(tmp_path) -> None:
    result = CliRunner().invoke(extract, [str(tmp_path / "nope.html")])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "no such file" in result.stderr


def test_binary_file_is_refused(tmp_path) -> None:
    page = tmp_path / "a.pdf"
    page.write_bytes(b"%PDF-1.4\x00\x00\x01binary")
    result = CliRunner().invoke(extract, [str(page)])
    assert result.exit_code == 1 and "not an HTML page" in result.stderr


def test_empty_file_is_an_error(tmp_path) -> None:
    page = tmp_path / "empty.html"
    page.write_bytes(b"   ")
    result = CliRunner().invoke(extract, [str(page)])
    assert result.exit_code == 1 and "empty page" in result.stderr


def test_fetch_failure_is_exit_1() -> None:
    result = CliRunner().invoke(extract, ["http://127.0.0.1:9/none.html"])
    assert result.exit_code == 1 and "cannot fetch" in result.stderr


def test_bad_arguments_exit_2() -> None:
    assert CliRunner().invoke(extract, []).exit_code == 2
    assert CliRunner().invoke(extract, ["a.html", "--cms", "bogus"]).exit_code == 2
