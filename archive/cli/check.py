"""`gongkai check`: is the archive whole? Exit 1, with one line per problem, if not."""

from __future__ import annotations

import click

from archive.cli.options import common_options, emit_json, json_option, open_archive
from archive.indexing import count_due
from archive.integrity import check_archive


@click.command("check")
@common_options
@click.option("--deep", is_flag=True, help="Also re-hash every stored blob and version text.")
@json_option
def check_command(db: str, seeds: str, deep: bool, as_json: bool) -> None:
    """Check the archive's integrity: numbering, raw responses, events, index, database file."""
    with open_archive(db, indexed=False) as archive, archive.session() as s:
        problems = check_archive(s, deep=deep)
        due = count_due(s)
    if as_json:
        emit_json({"ok": not problems, "problems": problems, "index_due": due})
    elif problems:
        for line in problems:
            click.echo(line)
    else:
        click.echo("the archive is whole" + (" (blobs and texts re-hashed)" if deep else ""))
    if due and not as_json:
        click.echo(f"{due} documents wait for the index pass (any reading command runs it)")
    if problems:
        raise SystemExit(1)
