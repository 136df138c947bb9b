"""Helpers for crawling the local portal in a child process and reading what was archived."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from click.testing import CliRunner

from crawler.portal import Portal
from scheduler.cli.main import main
from tests.conftest import run_gongkai


@dataclass
class Crawler:
    """Writes seeds for portal sites and runs `gongkai crawl` against one archive."""

    portal: Portal
    folder: Path
    db: str

    def seed(self, site: str, **overrides: object) -> Path:
        """Write (or rewrite) the seed file of one portal site; fast retries by default."""
        data = self.portal.seed(site, **{"retry_backoff": 0.05, **overrides})
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{site}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
        return path

    def crawl(self, *ids: str, expect: int | None = 0) -> subprocess.CompletedProcess[str]:
        result = run_gongkai("crawl", *ids, "--seeds", str(self.folder), "--db", self.db)
        if expect is not None:
            assert result.returncode == expect, result.stdout + result.stderr
        return result

    def json(self, *args: str) -> Any:
        """A reading command's --json output; in this process, as reading needs no reactor."""
        result = CliRunner().invoke(main, [*args, "--db", self.db, "--json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    def runs(self, source: str | None = None) -> list[dict[str, Any]]:
        runs: list[dict[str, Any]] = self.json("runs", *(["--source", source] if source else []))
        return runs

    def last_run(self, source: str) -> dict[str, Any]:
        return self.runs(source)[-1]

    def documents(self, source: str | None = None) -> dict[str, dict[str, Any]]:
        docs = self.json("query", *(["--source", source] if source else []))
        return {d["url"]: d for d in docs}

    def history(self, url: str) -> dict[str, Any]:
        history: dict[str, Any] = self.json("history", url)
        return history

    def text(self, url: str) -> str:
        shown: dict[str, Any] = self.json("show", url)
        return str(shown["text"])

    def rows(self, sql: str, **params: object) -> list[sa.Row[Any]]:
        """Rows straight from the archive database."""
        engine = sa.create_engine(self.db)
        try:
            with engine.connect() as conn:
                return list(conn.execute(sa.text(sql), params))
        finally:
            engine.dispose()

    def detail_hits(self, site: str) -> list[str]:
        """Paths of the site's detail pages the crawler asked for, in order."""
        s = self.portal.sites[site]
        details = {s.detail_path(p) for p in s.pages}
        return [h.path for h in s.hits if h.path.split("?")[0] in details]


@pytest.fixture
def crawler(portal: Portal, tmp_path: Path) -> Crawler:
    return Crawler(portal=portal, folder=tmp_path / "seeds", db=f"sqlite:///{tmp_path / 'a.db'}")


def problems(run: dict[str, Any], kind: str | None = None) -> list[dict[str, Any]]:
    return [p for p in run["problems"] if kind is None or p["kind"] == kind]
