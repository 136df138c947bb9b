"""`gongkai demo`: crawl the bundled local portal into a fresh archive, change the portal,
crawl again, and show what the archive now knows. Only loopback traffic."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import click

from archive import Archive
from archive.cli.options import stdout_console
from archive.queries import DocumentFilter, find_documents
from crawler.cli.progress import ProgressPrinter, print_summary
from crawler.portal import Portal
from crawler.seeds import load_seeds
from crawler.session import RunSummary

MARKER = ".gongkai-demo"
# The quiet edit and the withdrawal the demo makes between its two crawls.
EDIT = ("lanzhou-mzj", "report", "等法律法规46次", "等法律法规48次")
WITHDRAW = ("luohu-mzj", "notice-6")
# ... and a report backdated, its text untouched: a metadata edit, not a version
REDATE = ("luohu-mzj", "report", dt.date(2024, 12, 31))


DEMO_FILES = ("archive.db", "archive.db-wal", "archive.db-shm", "archive.db.migrate-lock")


def prepare_folder(folder: Path) -> None:
    """A fresh demo folder; refuses to clear a folder the demo did not make.

    Only what an earlier demo wrote is removed, so `--dir .` in an empty or demo folder works.
    """
    if folder.exists():
        if not folder.is_dir() or (not (folder / MARKER).exists() and any(folder.iterdir())):
            raise click.UsageError(
                f"{folder} exists and is not a gongkai demo folder; pass --dir to use another"
            )
        shutil.rmtree(folder / "seeds", ignore_errors=True)
        for name in DEMO_FILES:
            (folder / name).unlink(missing_ok=True)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).write_text("made by gongkai demo; safe to delete\n", encoding="utf-8")


@click.command("demo")
@click.option(
    "--dir",
    "folder",
    type=click.Path(path_type=Path),
    default=Path("gongkai-demo"),
    show_default=True,
    help="Folder for the demo's seeds and archive (recreated).",
)
def demo_command(folder: Path) -> None:
    """Crawl the bundled local portal into a fresh archive and show how to query it."""
    from crawler.runner import crawl_settings, crawl_sources, index_sources, run_in_reactor
    from crawler.workers import WorkerPool

    console = stdout_console()
    prepare_folder(folder)
    db_url = f"sqlite:///{folder / 'archive.db'}"
    with Portal() as portal:
        seeds = load_seeds(portal.write_seeds(folder / "seeds"))
        console.print(
            f"local portal: {len(portal.sites)} sites on 127.0.0.1 "
            f"({', '.join(s.family for s in portal.sites.values())})"
        )
        archive = Archive.open(db_url)
        settings = crawl_settings(db_url)
        progress = ProgressPrinter()
        workers = WorkerPool.from_settings(settings)  # one pool for both crawls

        redated_url = portal.page_url(REDATE[0], REDATE[1])
        redated_from = portal.page(REDATE[0], REDATE[1]).published

        async def both_crawls() -> tuple[list[RunSummary], list[RunSummary]]:
            first = await crawl_sources(
                seeds, archive=archive, settings=settings, progress=progress, workers=workers
            )
            portal.edit(*EDIT)
            portal.withdraw(*WITHDRAW)
            portal.redate(*REDATE)
            second = await crawl_sources(
                seeds, archive=archive, settings=settings, progress=progress, workers=workers
            )
            return first, second

        try:
            first, second = run_in_reactor(both_crawls)
            index_sources(archive, [seed.id for seed in seeds], workers=0)
        finally:
            workers.close()
            archive.close()
    console.rule("first crawl")
    print_summary(first, console)
    console.print(
        f"Then the portal changed: a figure in {EDIT[0]}'s report was edited "
        f"({EDIT[2]} → {EDIT[3]}), {WITHDRAW[0]}/{WITHDRAW[1]} was withdrawn, and "
        f"{REDATE[0]}'s report was backdated ({redated_from} → {REDATE[2]}), its text untouched."
    )
    console.rule("second crawl")
    print_summary(second, console)
    with Archive.open(db_url) as archive, archive.session() as s:
        docs = find_documents(s, DocumentFilter())
        reports = [d for d in docs if d.report_kind]
        changed = [d for d in docs if d.version_count > 1]
        gone = [d for d in docs if d.status == "gone"]
        console.rule("archive")
        console.print(
            f"{len(docs)} documents ({len(reports)} annual reports), "
            f"{sum(d.version_count for d in docs)} versions, {len(gone)} gone"
        )
        for d in reports:
            console.print(f"  {d.id:>3}  {d.published}  {d.report_kind} {d.report_year}  {d.title}")
        edited = changed[0].id if changed else 1
        gone_id = gone[0].id if gone else 1
        backdated_id = next((d.id for d in docs if d.url == redated_url), 1)
    db = f"--db {db_url}"
    console.rule("try")
    for line in (
        f"gongkai query {db} --published-from 2024-01-01 --published-to 2024-12-31",
        f"gongkai show {db} {edited}",
        f"gongkai history {db} {edited}",
        f"gongkai diff {db} {edited}",
        f"gongkai history {db} {gone_id}",
        f"gongkai history {db} {backdated_id}",
        f"gongkai query {db} --status gone --json",
        f"gongkai runs {db}",
    ):
        console.print(f"  {line}")
