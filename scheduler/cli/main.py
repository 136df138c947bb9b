"""`gongkai`: the root command group. Errors become one line and an exit status:
2 for usage errors (bad arguments, bad seed files, bad dates), 1 for everything else."""

from __future__ import annotations

import importlib
import logging
import sys
from typing import Any

import click

from archive.errors import ArchiveError, BadQuery
from crawler.errors import CrawlerError, SeedError
from crawler.seeds import SeedErrors
from scheduler.errors import SchedulerError

# Commands load when used, so `gongkai query` doesn't import Scrapy and the scheduler
# service doesn't carry the crawler in memory.
COMMANDS = {
    "crawl": "crawler.cli.crawl:crawl_command",
    "runs": "archive.cli.commands:runs_command",
    "query": "archive.cli.commands:query_command",
    "show": "archive.cli.commands:show_command",
    "history": "archive.cli.commands:history_command",
    "diff": "archive.cli.commands:diff_command",
    "export": "archive.cli.export:export_command",
    "check": "archive.cli.check:check_command",
    "demo": "crawler.cli.demo:demo_command",
    "extract": "crawler.cli.extract:extract",
    "schedule": "scheduler.cli.schedule:schedule_command",
    "sources": "scheduler.cli.sources:sources_command",
}

USAGE = 2
FAILURE = 1


def _fail(message: str, code: int) -> None:
    click.echo(f"gongkai: error: {message}", err=True)
    sys.exit(code)


class GongkaiGroup(click.Group):
    """Loads commands lazily and turns gongkai's exceptions into a message and exit status."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, attr = target.partition(":")
        command: click.Command = getattr(importlib.import_module(module), attr)
        return command

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


if __name__ == "__main__":
    main()
