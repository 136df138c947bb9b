"""Fixtures for extraction tests: the shared corpus of real government pages."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
CORPUS = Path(os.environ.get("GONGKAI_CORPUS", ROOT.parent / "shared" / "corpus"))
CORPUS_PAGES = ("fujian-pingtan-report", "gansu-fzgg", "govcn-gazette", "hanweb-zj-fgw",
                "nfra-rendered", "trs-cmse", "trs-shanxi")  # fmt: skip
EXTRA_METADATA = ROOT / "benchmarks" / "corpus_metadata.json"


@dataclass(frozen=True)
class CorpusPage:
    name: str
    path: Path
    html: str
    spec: dict


def _corpus_dir() -> Path:
    articles = CORPUS / "articles"
    if not articles.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS} (set GONGKAI_CORPUS)")
    return articles


@pytest.fixture
def corpus_page(request: pytest.FixtureRequest) -> CorpusPage:
    """The corpus page named by the test's parameter."""
    name = request.param
    path = _corpus_dir() / f"{name}.html"
    spec = json.loads(path.with_suffix(".json").read_text("utf-8"))
    return CorpusPage(name, path, path.read_text("utf-8"), spec)


@pytest.fixture(scope="session")
def extra_metadata() -> dict:
    """Our gold for fields the corpus JSONs lack (benchmarks/corpus_metadata.json)."""
    return json.loads(EXTRA_METADATA.read_text("utf-8"))
