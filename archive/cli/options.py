"""Options every gongkai command shares, defined once, and JSON output."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click
from rich.console import Console

from archive.errors import ArchiveError, BadQuery
from archive.store import Archive
from archive.timeparse import parse_date, parse_time

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_DB = "sqlite:///gongkai.db"
DEFAULT_SEEDS = "seeds"


def common_options(func: F) -> F:
    """--db and --seeds, with their environment defaults."""
    func = click.option(
        "--seeds",
        "seeds",
        envvar="GONGKAI_SEEDS",
        default=DEFAULT_SEEDS,
        show_default=True,
        type=click.Path(),
        help="Seed folder or file (env GONGKAI_SEEDS).",
    )(func)
    return click.option(
        "--db",
        "db",
        envvar="GONGKAI_DB",
        default=DEFAULT_DB,
        show_default=True,
        help="Archive database, a SQLAlchemy URL (env GONGKAI_DB).",
    )(func)


def json_option(func: F) -> F:
    return click.option(
        "--json",
        "as_json",
        is_flag=True,
        help="Print one JSON value on stdout and nothing else there.",
    )(func)


def emit_json(value: Any) -> None:
    """Write one JSON value to stdout."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def open_archive(db: str, *, indexed: bool = True) -> Archive:
    """Open the archive; with `indexed`, first index what a crawl left for later, so that
    search, duplicate and move links are never stale."""
    archive = Archive.open(db)
    if indexed:
        try:
            archive.index_pending()
        except ArchiveError as exc:  # e.g. a read-only database: answer from what is there
            click.echo(f"gongkai: warning: could not bring the indexes up to date: {exc}", err=True)
    return archive


def date_arg(value: str | None, option: str) -> Any:
    return parse_date(value, option) if value else None


def time_arg(value: str | None, option: str, *, end: bool = False) -> Any:
    return parse_time(value, option, inclusive=end) if value else None


def positive_int(value: int | None, option: str) -> int | None:
    if value is not None and value < 1:
        raise BadQuery(option, f"must be 1 or more, not {value}")
    return value


def stdout_console() -> Console:
    """Rich output on stdout; wide when piped, so tables aren't cut at 80 columns.

    Markup is off: titles, texts and run messages come from government sites, and rich would
    eat their brackets ("[live]", 兰民字[2024]) or stop at a stray "[/".
    """
    return Console(
        highlight=False,
        markup=False,
        soft_wrap=True,
        width=None if sys.stdout.isatty() else 120,
    )
