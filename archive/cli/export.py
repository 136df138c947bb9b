"""`gongkai export`: the documents a query selects, as JSON Lines, CSV or WARC."""

from __future__ import annotations

from typing import Any

import click

from archive.cli.commands import document_filter, filter_options
from archive.cli.options import common_options, open_archive
from archive.export import FORMATS, export_documents


@click.command("export")
@common_options
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True, help="File format.")
@click.option(
    "--out",
    required=True,
    metavar="FILE",
    help="File to write ('-' for stdout); a WARC named *.gz is gzipped per record.",
)
@click.option(
    "--versions",
    "which",
    type=click.Choice(["current", "all"]),
    help="Each document's current version, or all of them "
    "(default: current for jsonl/csv, all for warc).",
)
@filter_options
def export_command(
    db: str, seeds: str, fmt: str, out: str, which: str | None, **params: Any
) -> None:
    """Write the documents a query selects (same filters as `query`) to a file."""
    f = document_filter(params)
    all_versions = (which or ("all" if fmt == "warc" else "current")) == "all"
    with open_archive(db) as archive, archive.session() as s:
        result = export_documents(s, f, fmt=fmt, out=out, all_versions=all_versions)
    attachments = f", {result.attachments} attachments" if fmt == "warc" else ""
    click.echo(
        f"exported {result.documents} documents ({result.versions} versions{attachments}) "
        f"to {out if out != '-' else 'stdout'}",
        err=out == "-",
    )
