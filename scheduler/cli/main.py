"""`gongkai`: the root command group. Errors become one line and an exit status:
2 for usage errors (bad arguments, bad seed files, bad dates), 1 for everything else."""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

from archive.cli.check import check_command
from archive.cli.commands import (
    diff_command,
    history_command,
    query_command,
    runs_command,
    show_command,
)
from archive.cli.export import export_command
from archive.errors import ArchiveError, BadQuery
from crawler.cli.crawl import crawl_command
from crawler.cli.demo import demo_command
from crawler.cli.extract import extract as extract_command
from crawler.errors import CrawlerError, SeedError
from crawler.seeds import SeedErrors
from scheduler.cli.schedule import schedule_command
from scheduler.cli.sources import sources_command
from scheduler.errors import SchedulerError

USAGE = 2
FAILURE = 1


def _fail(message: str, code: int) -> None:
    click.echo(f"gongkai: error: {message}", err=True)
    sys.exit(code)


class GongkaiGroup(click.Group):
    """Turns gongkai's exceptions into a message and an exit status."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SeedErrors as exc:
            lines = [str(e) for e in exc.errors]
            noun = "seed file problem" if len(lines) == 1 else "seed file problems"
            _fail(f"{len(lines)} {noun}; nothing was crawled\n  " + "\n  ".join(lines), USAGE)
        except SeedError as exc:
            _fail(f"{exc}; nothing was crawled", USAGE)
        except BadQuery as exc:
            _fail(str(exc), USAGE)
        except (ArchiveError, CrawlerError, SchedulerError) as exc:
            _fail(str(exc), FAILURE)


@click.group(cls=GongkaiGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gongkai")
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-vv for debug).")
def main(verbose: int) -> None:
    """gongkai (公开): scheduled scraper and versioned archive of government
    information-disclosure reports."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )


for command in (
    crawl_command,
    runs_command,
    query_command,
    show_command,
    history_command,
    diff_command,
    export_command,
    check_command,
    demo_command,
    extract_command,
    schedule_command,
    sources_command,
):
    main.add_command(command)


if __name__ == "__main__":
    main()
