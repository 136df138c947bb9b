"""Seed files: one YAML file per source, validated against the seed contract.

A seed names an agency's column (its listing pages), the CMS family that renders it, which
listed items to keep, and how often and how politely to crawl it. Every problem is reported
with the file, the key and a fix; nothing is crawled while any seed is invalid.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from crawler.cron import cron_trigger
from crawler.errors import CrawlerError, SeedError

CmsFamily = Literal["hanweb", "trs", "generic"]
SEED_SUFFIXES = (".yaml", ".yml")
DEFAULT_TIMEOUT_S = 2 * 3600
_ID = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*$")

# What to tell the user for each key when its value is wrong.
FIXES: dict[str, str] = {
    "id": "use lowercase letters, digits and '-', e.g. lanzhou-mzj",
    "name": "give the agency and column name, e.g. 兰州市民政局",
    "start_urls": "list one or more http(s) listing-page URLs",
    "cms": "use one of hanweb, trs, generic, or leave it out to detect it",
    "match": "use title_keywords: [..] and/or url_patterns: [..]",
    "match.title_keywords": "give a list of strings, e.g. [法治政府建设]",
    "match.url_patterns": "give a list of regular expressions, e.g. ['/art/\\d{4}/']",
    "schedule": "use a 5-field cron such as '0 3 * * *' (or 6 fields with seconds first)",
    "delay": "give seconds between requests as a number >= 0, e.g. 1.0",
    "max_pages": "give a whole number >= 1",
    "concurrency": "give a whole number from 1 to 4 (requests in flight to this site)",
    "timeout": "give seconds, or a duration such as 90s, 30m, 2h",
    "verified": "use true or false",
    "robots": "use true or false",
    "max_size_mb": "give a number of megabytes > 0",
    "retries": "give a whole number from 0 to 10 (further tries after a timeout or a 5xx)",
    "retry_backoff": "give seconds >= 0 to wait before the first retry, e.g. 2.0",
    "download_timeout": "give seconds, or a duration such as 30s or 2m",
    "allow_hosts": "list host names, e.g. [www.example.gov.cn]",
    "family": "name the CMS family in words, e.g. 'Guangdong post_ID'",
    "adapter_needed": "name the listing adapter this column would need, in words",
}


def parse_duration(value: Any) -> float:
    """Seconds from a number or a string such as '90s', '30m', '2h'.

    >>> parse_duration("2h"), parse_duration(45), parse_duration("1.5m")
    (7200.0, 45.0, 90.0)
    """
    if isinstance(value, bool):
        raise ValueError("not a duration")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        m = _DURATION.match(str(value))
        if not m:
            raise ValueError(f"{value!r} is not a duration")
        seconds = float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[m.group(2)]
    if seconds <= 0:
        raise ValueError("must be positive")
    return seconds


class Match(BaseModel):
    """Filters on listed items; an item is kept when it passes every filter given."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title_keywords: tuple[str, ...] = ()
    url_patterns: tuple[str, ...] = ()

    @field_validator("url_patterns")
    @classmethod
    def _compiles(cls, patterns: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"{pattern!r} is not a valid regular expression: {exc}") from exc
        return patterns

    def keeps(self, *, title: str, url: str) -> bool:
        """Whether a listed item passes the filters."""
        if self.title_keywords and not any(k in title for k in self.title_keywords):
            return False
        return not self.url_patterns or any(re.search(p, url) for p in self.url_patterns)


class Seed(BaseModel):
    """One source: an agency column to crawl."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str = Field(min_length=1)
    start_urls: tuple[str, ...] = Field(min_length=1)
    cms: CmsFamily | None = None
    match: Match = Match()
    schedule: str | None = None
    delay: float = Field(default=1.0, ge=0)
    max_pages: int = Field(default=50, ge=1)
    concurrency: int = Field(default=2, ge=1, le=4)
    timeout: float = DEFAULT_TIMEOUT_S
    robots: bool = True
    max_size_mb: float = Field(default=50.0, gt=0)
    retries: int = Field(default=2, ge=0, le=10)
    retry_backoff: float = Field(default=2.0, ge=0)
    download_timeout: float = 30.0
    allow_hosts: tuple[str, ...] = ()
    verified: bool | None = None
    province: str | None = None
    family: str | None = None
    adapter_needed: str | None = None
    notes: str | None = None
    # The file the seed came from; not a YAML key.
    path: str | None = Field(default=None, exclude=True)

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(f"{value!r} must match [a-z0-9-]+")
        return value

    @field_validator("start_urls")
    @classmethod
    def _http_urls(cls, urls: tuple[str, ...]) -> tuple[str, ...]:
        for url in urls:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"{url!r} is not an http(s) URL")
        return urls

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        if value is not None:
            cron_trigger(value)
        return value

    @field_validator("timeout", "download_timeout", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> float:
        return parse_duration(value)

    @property
    def hosts(self) -> tuple[str, ...]:
        """Host names this source may be crawled on."""
        seen = dict.fromkeys(urlsplit(u).hostname or "" for u in self.start_urls)
        seen.update(dict.fromkeys(self.allow_hosts))
        return tuple(h for h in seen if h)


class SeedErrors(CrawlerError):
    """Every problem found in a set of seed files."""

    def __init__(self, errors: list[SeedError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass
class SeedScan:
    """The result of reading a seed folder: good seeds and the files that failed."""

    seeds: dict[str, Seed] = field(default_factory=dict)
    errors: list[SeedError] = field(default_factory=list)


def _key_of(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc if not isinstance(part, int)) or "(top level)"


def parse_seed(data: Any, path: Path | str) -> Seed:
    """Validate one seed's YAML data; raise SeedError naming the key and the fix."""
    if not isinstance(data, dict):
        raise SeedError(path, None, "the file must hold a YAML mapping", "start with 'id: ...'")
    if "path" in data:
        raise SeedError(path, "path", "unknown key", "remove it; the file's location is implied")
    try:
        return Seed.model_validate({**data, "path": str(path)})
    except ValidationError as exc:
        errors = [_seed_error(path, detail) for detail in exc.errors()]
    raise errors[0] if len(errors) == 1 else SeedErrors(errors)


def _seed_error(path: Path | str, detail: Any) -> SeedError:
    """One pydantic error as a SeedError with a fix."""
    key = _key_of(detail["loc"])
    if detail["type"] == "missing":
        return SeedError(path, key, "required key is missing", FIXES.get(key, "add it"))
    if detail["type"] == "extra_forbidden":
        known = ", ".join(k for k in Seed.model_fields if k != "path")
        return SeedError(path, key, "unknown key", f"remove it or use one of: {known}")
    problem = detail["msg"].removeprefix("Value error, ")
    return SeedError(path, key, problem, FIXES.get(key, "see the seed-file reference"))


def load_seed_file(path: Path) -> Seed:
    """Read and validate one seed file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SeedError(path, None, f"cannot read the file: {exc}", "save it as UTF-8") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = f"YAML syntax error{where}: {getattr(exc, 'problem', exc)}"
        raise SeedError(path, None, problem, "fix the YAML syntax there") from None
    return parse_seed(data, path)


def seed_files(path: Path) -> list[Path]:
    """The seed files at a path: the file itself, or the YAML files of a folder."""
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in SEED_SUFFIXES and p.is_file())
    raise SeedErrors([SeedError(path, None, "no such file or folder", "pass --seeds PATH")])


def scan_seeds(path: Path) -> SeedScan:
    """Read every seed file at a path, keeping good seeds and collecting errors."""
    scan = SeedScan()
    first_file: dict[str, str] = {}
    for file in seed_files(path):
        try:
            seed = load_seed_file(file)
        except SeedError as exc:
            scan.errors.append(exc)
            continue
        except SeedErrors as exc:
            scan.errors.extend(exc.errors)
            continue
        if seed.id in first_file:
            scan.errors.append(
                SeedError(
                    file,
                    "id",
                    f"duplicate id {seed.id!r}, also in {first_file[seed.id]}",
                    "give each source its own id",
                )
            )
            continue
        first_file[seed.id] = str(file)
        scan.seeds[seed.id] = seed
    return scan


def load_seeds(path: Path, only: Iterable[str] = ()) -> list[Seed]:
    """All seeds at a path, or the named ones; raise SeedErrors if any file is bad."""
    scan = scan_seeds(path)
    if scan.errors:
        raise SeedErrors(scan.errors)
    wanted = list(only)
    unknown = [s for s in wanted if s not in scan.seeds]
    if unknown:
        known = ", ".join(sorted(scan.seeds)) or "none"
        raise SeedErrors(
            [
                SeedError(path, None, f"no source with id {s!r}", f"use one of: {known}")
                for s in unknown
            ]
        )
    if wanted:
        return [scan.seeds[s] for s in wanted]
    return list(scan.seeds.values())
