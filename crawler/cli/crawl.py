"""`gongkai crawl [SOURCE_ID ...]`: crawl now and summarise each source."""

from __future__ import annotations

from pathlib import Path

import click

from archive.cli.options import common_options
from crawler.cli.progress import ProgressPrinter, print_summary
from crawler.seeds import load_seeds


@click.command("crawl")
@common_options
@click.argument("source_ids", nargs=-1, metavar="[SOURCE_ID ...]")
@click.option(
    "--max-parallel",
    type=click.IntRange(1, 32),
    default=4,
    show_default=True,
    help="Sources crawled at the same time.",
)
@click.option("--quiet", is_flag=True, help="No progress lines; only the summary.")
def crawl_command(
    db: str, seeds: str, source_ids: tuple[str, ...], max_parallel: int, quiet: bool
) -> None:
    """Crawl the named sources now (all sources when none is named).

    Exits 0 when every source succeeded and 1 when any failed or was blocked; what the
    other sources found is archived either way.
    """
    from crawler.runner import run_crawls  # Scrapy loads only for commands that crawl

    chosen = load_seeds(Path(seeds), source_ids)
    if not chosen:
        raise click.UsageError(f"no seed files in {seeds}")
    summaries = run_crawls(
        chosen, db_url=db, progress=None if quiet else ProgressPrinter(), max_parallel=max_parallel
    )
    print_summary(summaries)
    if any(s.status != "ok" for s in summaries):
        raise SystemExit(1)
