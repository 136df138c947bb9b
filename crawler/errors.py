"""Errors raised by the crawler side of gongkai.

CrawlerError
 ├── SeedError          a seed file is unreadable or breaks the seed contract
 └── ExtractionError    a page could not be decoded or extracted
"""

from __future__ import annotations

from pathlib import Path


class CrawlerError(Exception):
    """Base class of crawler errors."""


class SeedError(CrawlerError):
    """A seed file breaks the contract; carries the file, the key and a fix."""

    def __init__(self, path: Path | str, key: str | None, problem: str, fix: str) -> None:
        self.path = str(path)
        self.key = key
        self.problem = problem
        self.fix = fix
        where = f"{self.path}: {key}" if key else self.path
        super().__init__(f"{where}: {problem} (fix: {fix})")


class ExtractionError(CrawlerError):
    """A page could not be turned into text."""
