"""Reading commands: runs, query, show, history and diff."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from archive.asof import edited_meta_at, last_seen_by, status_of
from archive.cli.options import (
    common_options,
    date_arg,
    emit_json,
    json_option,
    open_archive,
    positive_int,
    stdout_console,
    time_arg,
)
from archive.diff import diff_texts
from archive.errors import UnknownDocument
from archive.queries import (
    DocumentFilter,
    DocumentHit,
    document_json,
    duplicates_of,
    find_document,
    find_runs,
    get_version,
    history_json,
    hits_json,
    query_documents,
    version_as_of,
    version_json,
)
from archive.segment import query_terms
from archive.timeparse import format_time


def _console() -> Console:
    return stdout_console()


def _short_time(iso: str | None) -> str:
    """'2024-02-02T08:00:00+08:00' as '2024-02-02 08:00:00' (Shanghai time)."""
    return iso[:19].replace("T", " ") if iso else ""


def _took(start: str | None, end: str | None) -> str:
    if not (start and end):
        return "-"
    seconds = (dt.datetime.fromisoformat(end) - dt.datetime.fromisoformat(start)).total_seconds()
    return f"{seconds:.0f}s" if seconds < 120 else f"{seconds / 60:.0f}m"


@click.command("runs")
@common_options
@click.option("--source", help="Only runs of this source id.")
@json_option
def runs_command(db: str, seeds: str, source: str | None, as_json: bool) -> None:
    """Crawl runs, newest last."""
    with open_archive(db, indexed=False) as archive, archive.session() as s:
        runs = find_runs(s, source)
    if as_json:
        emit_json(runs)
        return
    table = Table(
        "id",
        "source",
        "started",
        "took",
        "status",
        "pages",
        "new",
        "changed",
        "gone",
        "errors",
        "message",
        box=None,
    )
    style = {"ok": "green", "failed": "red", "blocked": "yellow", "running": "cyan"}
    for r in runs:
        table.add_row(
            str(r["id"]),
            r["source"],
            _short_time(r["started_at"]),
            _took(r["started_at"], r["finished_at"]),
            Text(r["status"], style=style.get(r["status"], "")),
            str(r["pages"]),
            str(r["new_documents"]),
            str(r["new_versions"]),
            str(r["gone"]),
            str(r["errors"]),
            r["message"] or "",
        )
    _console().print(table if runs else "no runs yet")


def filter_options(func: Any) -> Any:
    """The document filters of `query`, shared with `export`."""
    options = [
        click.option("--source", help="Only documents of this source id."),
        click.option(
            "--published-from", metavar="DATE", help="Published on or after (YYYY-MM-DD)."
        ),
        click.option("--published-to", metavar="DATE", help="Published on or before (YYYY-MM-DD)."),
        click.option("--changed-from", metavar="T", help="Last changed at or after T (ISO 8601)."),
        click.option("--changed-to", metavar="T", help="Last changed at or before T."),
        click.option("--first-seen-from", metavar="T", help="First archived at or after T."),
        click.option("--first-seen-to", metavar="T", help="First archived at or before T."),
        click.option("--status", type=click.Choice(["live", "gone"]), help="live or gone."),
        click.option("--kind", help="Report kind, e.g. 法治政府建设年度报告."),
        click.option("--year", type=int, help="Year the report covers, e.g. 2023."),
        click.option("--text", metavar="WORDS", help="Full-text search: every word must occur."),
        click.option(
            "--as-of",
            metavar="T",
            help="The archive as it stood at T: documents seen by then, their version then.",
        ),
        click.option("--limit", type=int, metavar="N", help="At most N documents."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def document_filter(params: dict[str, Any]) -> DocumentFilter:
    """A DocumentFilter from the options filter_options() defines; bad values exit 2."""
    return DocumentFilter(
        source=params["source"],
        published_from=date_arg(params["published_from"], "--published-from"),
        published_to=date_arg(params["published_to"], "--published-to"),
        changed_from=time_arg(params["changed_from"], "--changed-from"),
        changed_to=time_arg(params["changed_to"], "--changed-to", end=True),
        first_seen_from=time_arg(params["first_seen_from"], "--first-seen-from"),
        first_seen_to=time_arg(params["first_seen_to"], "--first-seen-to", end=True),
        status=params["status"],
        kind=params["kind"],
        year=params["year"],
        text=params["text"],
        as_of=time_arg(params["as_of"], "--as-of", end=True),
        limit=positive_int(params["limit"], "--limit"),
    )


@click.command("query")
@common_options
@filter_options
@json_option
def query_command(db: str, seeds: str, as_json: bool, **params: Any) -> None:
    """Documents in the archive, filtered by dates, source, status, kind and text."""
    f = document_filter(params)
    with open_archive(db) as archive, archive.session() as s:
        rows = hits_json(s, query_documents(s, f))
    if as_json:
        emit_json(rows)
        return
    terms = query_terms(f.text) if f.text else []
    table = Table("id", "published", "source", "status", "versions", "title", box=None)
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["published"] or "-",
            r["source"],
            Text(r["status"], style="red" if r["status"] == "gone" else ""),
            str(r["versions"]),
            r["title"] or r["url"],
        )
        if terms:
            # The snippet on a line of its own, under its document, so it is never wrapped.
            snippet = Text(r.get("snippet") or "", style="dim")
            snippet.highlight_words(terms, style="bold yellow", case_sensitive=False)
            table.add_row("", "", "", "", "", snippet)
    console = _console()
    console.print(table if rows else "no documents match")
    if rows:
        when = f" as of {format_time(f.as_of)}" if f.as_of else ""
        console.print(f"{len(rows)} documents{when}", style="dim")


@click.command("show")
@common_options
@click.argument("doc")
@click.option("--as-of", metavar="T", help="Show the version current at T (ISO 8601).")
@json_option
def show_command(db: str, seeds: str, doc: str, as_of: str | None, as_json: bool) -> None:
    """A document and its text: the latest version, or the one current at --as-of."""
    at = time_arg(as_of, "--as-of", end=True)
    with open_archive(db) as archive, archive.session() as s:
        document = find_document(s, doc)
        version = version_as_of(s, document, at) if at else get_version(s, document)
        if version is None:
            when = f" at {format_time(at)}" if at else ""
            raise UnknownDocument(f"document {document.id} had no archived version{when}")
        if at:
            hit = DocumentHit(
                document=document,
                version=version,
                status=status_of(s, document, at),
                last_seen=last_seen_by(s, [document], {document.id: version}, at)[document.id],
                edited_meta=edited_meta_at(s, {document.id: version}, at).get(document.id),
            )
        else:
            hit = DocumentHit(
                document=document, status=document.status, last_seen=document.last_seen_at
            )
        (out,) = hits_json(s, [hit])
        out["version"] = version_json(version)
        out["duplicates"] = duplicates_of(s, document.id)
        out["text"] = version.text
    if as_json:
        emit_json(out)
        return
    console = _console()
    console.print(out["title"] or out["url"], style="bold")
    for label, key in (
        ("URL", "url"),
        ("published", "published"),
        ("文号", "doc_number"),
        ("索引号", "index_number"),
        ("发布机构", "publisher"),
        ("status", "status"),
        ("duplicate of", "duplicate_of"),
        ("moved from", "moved_from"),
        ("moved to", "moved_to"),
        ("duplicates", "duplicates"),
    ):
        if out.get(key):
            value = out[key]
            shown = ", ".join(map(str, value)) if isinstance(value, list) else value
            console.print(f"{label}: {shown}", style="dim")
    v = out["version"]
    of = f"of {document.version_count}"
    when = f", current at {format_time(at)}" if at else ""
    console.print(f"version {v['n']} {of}, fetched {v['fetched_at']}{when}", style="dim")
    for a in out["attachments"]:
        console.print(f"attachment: {a['name']} <{a['url']}>", style="dim")
    console.print()
    console.print(out["text"])


@click.command("history")
@common_options
@click.argument("doc")
@json_option
def history_command(db: str, seeds: str, doc: str, as_json: bool) -> None:
    """Versions and events (first_seen, changed, gone, back, moved) of a document."""
    with open_archive(db) as archive, archive.session() as s:
        out = history_json(s, find_document(s, doc))
    if as_json:
        emit_json(out)
        return
    console = _console()
    d = out["document"]
    console.print(f"{d['title'] or d['url']} [{d['status']}]", style="bold")
    for v in out["versions"]:
        console.print(f"  version {v['n']}  {v['fetched_at']}  {v['sha256'][:12]}")
    lines = []  # events and metadata edits, in time order (times share one offset)
    for e in out["events"]:
        detail = f"  ({e['detail']})" if e.get("detail") else ""
        version = f" v{e['version']}" if e["version"] else ""
        lines.append((e["at"], f"  {e['at']}  {e['kind']}{version}{detail}"))
    for m in out["metadata_edits"]:
        what = "; ".join(f"{k} {c['old']} → {c['new']}" for k, c in m["changes"].items())
        lines.append(
            (m["at"], f"  {m['at']}  metadata edited, text unchanged (v{m['version']}): {what}")
        )
    for _, line in sorted(lines, key=lambda pair: pair[0]):
        console.print(line)


@click.command("diff")
@common_options
@click.argument("doc")
@click.option(
    "--from", "from_n", type=int, metavar="N", help="Old version (default: next to last)."
)
@click.option("--to", "to_n", type=int, metavar="N", help="New version (default: the last).")
@json_option
def diff_command(
    db: str, seeds: str, doc: str, from_n: int | None, to_n: int | None, as_json: bool
) -> None:
    """Word-level changes between two versions of a document."""
    positive_int(from_n, "--from")
    positive_int(to_n, "--to")
    with open_archive(db) as archive, archive.session() as s:
        document = find_document(s, doc)
        last = document.version_count
        new_n = to_n or last
        old_n = from_n or new_n - 1
        if last < 2 and from_n is None:
            raise UnknownDocument(
                f"document {document.id} has only {last} version; nothing to compare"
            )
        old, new = get_version(s, document, old_n), get_version(s, document, new_n)
        if old is None or new is None:
            missing = new_n if new is None else old_n
            raise UnknownDocument(
                f"document {document.id} has no version {missing} (it has 1 to {last})"
            )
        changes = diff_texts(old.text, new.text)
        doc_out = document_json(document)
        old_v, new_v = version_json(old), version_json(new)
    if as_json:
        emit_json(
            {
                "document": doc_out,
                "from": old_v,
                "to": new_v,
                "changes": [c.to_json() for c in changes],
            }
        )
        return
    console = _console()
    console.print(f"{doc_out['title'] or doc_out['url']}", style="bold")
    console.print(
        f"version {old_v['n']} ({old_v['fetched_at']}) → version {new_v['n']} "
        f"({new_v['fetched_at']}): {len(changes)} changes",
        style="dim",
    )
    plain = console.color_system is None  # piped: mark edits the way wdiff does
    for c in changes:
        line = Text("  …")
        line.append(c.before, style="dim")
        if c.old:
            line.append(f"[-{c.old}-]" if plain else c.old, style="bold red strike")
        if c.new:
            line.append(f"{{+{c.new}+}}" if plain else c.new, style="bold green")
        line.append(c.after, style="dim")
        line.append("…")
        console.print(Text(f"{c.op}:", style="cyan"), line)
