"""`gongkai extract FILE_OR_URL`: show what extraction makes of one page, to check a new source."""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

import click
from rich.console import Console

from crawler.errors import ExtractionError
from crawler.extract import Extraction, decode_html, extract_report

USER_AGENT = "gongkai/0.1 (+https://github.com/gongkai-archive/gongkai)"
FETCH_TIMEOUT = 30.0
CMS_HINTS = ("hanweb", "trs", "generic")


def _fail(message: str) -> None:
    click.echo(f"gongkai: error: {message}", err=True)
    sys.exit(1)


def fetch_page(url: str) -> tuple[bytes, str | None, str]:
    """GET a page; returns (body, Content-Type, final URL after redirects)."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
        return response.read(), response.headers.get("Content-Type"), response.geturl()


def _print_readable(extraction: Extraction, encoding: str) -> None:
    console = Console(highlight=False)
    rows = {
        "title": extraction.title,
        "published": extraction.published.isoformat() if extraction.published else None,
        "written": extraction.written.isoformat() if extraction.written else None,
        "doc_number": extraction.doc_number,
        "index_number": extraction.index_number,
        "publisher": extraction.publisher,
        "report_kind": extraction.report_kind,
        "report_year": extraction.report_year,
        "method": extraction.method,
        "encoding": encoding,
    }
    for name, value in rows.items():
        shown = "—" if value is None else str(value)
        console.print(f"[bold]{name:>12}[/bold] ", end="")
        console.print(shown, markup=False)
    for attachment in extraction.attachments:
        console.print(f"[bold]{'attachment':>12}[/bold] ", end="")
        console.print(f"{attachment.name} <{attachment.url}>", markup=False)
    console.rule()
    # Body text is printed as is: rich markup would eat 文号 brackets such as [2024].
    click.echo(extraction.text)


@click.command("extract")
@click.argument("file_or_url", metavar="FILE_OR_URL")
@click.option("--url", "page_url", metavar="URL", help="The page's address, for relative links.")
@click.option("--cms", type=click.Choice(CMS_HINTS), help="CMS family hint (default: try all).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead.")
def extract(file_or_url: str, page_url: str | None, cms: str | None, as_json: bool) -> None:
    """Print the report text and disclosure metadata extracted from one page.

    FILE_OR_URL is a saved HTML file or an http(s) address. Use it on a page of a new source
    before adding the source's seed file.
    """
    if file_or_url.startswith(("http://", "https://")):
        try:
            body, content_type, final_url = fetch_page(file_or_url)
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
            _fail(f"cannot fetch {file_or_url}: {getattr(error, 'reason', error)}")
        page_url = page_url or final_url
    else:
        path = Path(file_or_url)
        if not path.is_file():
            _fail(f"no such file: {file_or_url} (give a saved HTML page or an http(s) URL)")
        body, content_type = path.read_bytes(), None
    if b"\x00" in body[:1024] and not body.startswith((b"\xff\xfe", b"\xfe\xff")):
        _fail(f"{file_or_url} is not an HTML page (binary content)")
    text, encoding = decode_html(body, content_type=content_type)
    try:
        extraction = extract_report(text, url=page_url, cms=cms)
    except ExtractionError as error:
        _fail(str(error))
    if as_json:
        click.echo(json.dumps(extraction.to_json(), ensure_ascii=False, indent=2))
    else:
        _print_readable(extraction, encoding)
