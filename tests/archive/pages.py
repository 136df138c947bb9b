"""Building archive records in tests: pages as the crawler would hand them over."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from archive import Capture, PageMeta, PageRecord
from archive.normalize import sha256_hex

T0 = dt.datetime(2024, 2, 2, 1, 0, tzinfo=dt.UTC)
REPORTS = Path(__file__).resolve().parents[2] / "crawler" / "portal" / "reports"


def report(name: str = "lanzhou-2023-fzzf") -> str:
    """The text of one of the portal's real example reports."""
    return (REPORTS / f"{name}.txt").read_text(encoding="utf-8").strip()


def page(
    url: str,
    text: str,
    *,
    at: dt.datetime = T0,
    source: str = "s",
    title: str | None = "关于2023年法治政府建设情况的报告",
    raw: bytes | None = None,
    headers: dict[str, str] | None = None,
    status: int = 200,
    run_id: int | None = None,
    search_text: str | None = None,
    simhash: int | None = None,
    defer_index: bool = False,
    **meta: object,
) -> PageRecord:
    """A fetched and extracted page; its raw bytes default to a small HTML wrapper."""
    body = raw if raw is not None else f"<html><body>{text}</body></html>".encode()
    return PageRecord(
        capture=Capture(
            source_id=source,
            url=url,
            fetched_at=at,
            status=status,
            raw=body,
            raw_sha256=sha256_hex(body),
            headers=headers if headers is not None else {"Content-Type": "text/html"},
        ),
        text=text,
        meta=PageMeta(title=title, **meta),  # type: ignore[arg-type]
        run_id=run_id,
        search_text=search_text,
        simhash=simhash,
        defer_index=defer_index,
    )
