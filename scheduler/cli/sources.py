"""`gongkai sources`: each source's schedule, next run and last run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from rich.table import Table

from archive.cli.options import common_options, emit_json, json_option, open_archive, stdout_console
from crawler.seeds import scan_seeds
from scheduler.status import source_status


def _short(iso: str | None) -> str:
    return iso[:19].replace("T", " ") if iso else ""


@click.command("sources")
@common_options
@json_option
def sources_command(db: str, seeds: str, as_json: bool) -> None:
    """Sources with their schedule, next run and last run.

    JSON: [{id, name, schedule, next_run, last_run: {status, started_at, finished_at,
    message}, seed_problem}]. A seed file that fails validation is reported on stderr; its
    source is still listed if the scheduler keeps running its last good version.
    """
    scan = scan_seeds(Path(seeds))
    for error in scan.errors:
        click.echo(f"gongkai: warning: {error}", err=True)
    with open_archive(db) as archive:
        rows = source_status(archive, scan, now=dt.datetime.now(dt.UTC))
    if as_json:
        emit_json(rows)
        return
    table = Table("id", "name", "schedule", "next run", "last run", "status", "message", box=None)
    for row in rows:
        last = row["last_run"] or {}
        table.add_row(
            row["id"],
            row["name"],
            row["schedule"] or "manual",
            _short(row["next_run"]),
            _short(last.get("finished_at") or last.get("started_at")),
            last.get("status", "never run"),
            row["seed_problem"] or last.get("message") or "",
        )
    stdout_console().print(table)
