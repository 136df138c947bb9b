"""``extract_report``: one page in, its report text and disclosure metadata out."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from typing import Any

from crawler.extract.attachments import Attachment, find_attachments, find_base_url
from crawler.extract.body import extract_body
from crawler.extract.doc_numbers import starts_with_doc_number
from crawler.extract.metadata import find_title, read_meta_tags, read_metadata, tidy_title
from crawler.extract.parse import parse_document
from crawler.extract.render import render_lines
from crawler.extract.report_kind import parse_report_kind


@dataclass(frozen=True)
class Extraction:
    """A report page's text and metadata."""

    title: str | None
    published: datetime.date | None
    written: datetime.date | None  # 成文日期
    doc_number: str | None
    index_number: str | None
    publisher: str | None
    report_kind: str | None  # e.g. "法治政府建设年度报告", "政府信息公开工作年度报告"
    report_year: int | None
    attachments: tuple[Attachment, ...]
    text: str  # one paragraph per line, no blank lines
    method: str  # "container:<selector>", "trafilatura-precision", "trafilatura-recall", …

    def to_json(self) -> dict[str, Any]:
        """The JSON form ``gongkai extract --json`` prints (no ``written``, no ``method``)."""
        return {
            "title": self.title,
            "published": self.published.isoformat() if self.published else None,
            "doc_number": self.doc_number,
            "index_number": self.index_number,
            "publisher": self.publisher,
            "report_kind": self.report_kind,
            "report_year": self.report_year,
            "attachments": [{"name": a.name, "url": a.url} for a in self.attachments],
            "text": self.text,
        }


def drop_title_lines(lines: tuple[str, ...], title: str) -> tuple[str, ...]:
    """Drop the page heading that repeats the title (with or without its 文号) from the top.

    Container bodies start below the heading; trafilatura's start with it.

    >>> drop_title_lines(("桂民发〔2022〕7号 关于印发方案的通知", "各单位："), "关于印发方案的通知")
    ('各单位：',)
    """
    head = list(lines[:3])
    for line in head:
        tidy = tidy_title(line)
        number = starts_with_doc_number(line)
        if tidy == title or (number and tidy_title(line[len(number) :].strip()) == title):
            return tuple(item for item in lines if item is not line)
    return lines


def _page_lines(root: Any, container: Any, body_lines: tuple[str, ...]) -> tuple[list[str], int]:
    """Visible lines outside the body, and the index where the body stands among them."""
    body_element = root.find("body")
    scope = body_element if body_element is not None else root
    if container is not None:
        lines = render_lines(scope, skip=container)
        anchor = lines.index("") if "" in lines else len(lines)
        return [line for line in lines if line], anchor
    lines = render_lines(scope)
    body = set(body_lines)
    anchor = next((i for i, line in enumerate(lines) if line in body), len(lines))
    return [line for line in lines if line not in body], anchor


def extract_report(html: str, *, url: str | None = None, cms: str | None = None) -> Extraction:
    """Extract a report page.

    Args:
        html: the decoded page (see ``decode_html``).
        url: the page's address, used to make attachment links absolute.
        cms: a hint, ``"hanweb"``, ``"trs"`` or ``"generic"``; with None every family's
            containers are tried before trafilatura.

    Raises:
        ExtractionError: the input holds no HTML document at all.
    """
    root = parse_document(html, url=url)
    metas = read_meta_tags(root)
    title = find_title(root, metas)
    body = extract_body(root, cms=cms, url=url)
    page_lines, anchor = _page_lines(root, body.container, body.lines)
    meta = read_metadata(
        metas=metas, title=title, page_lines=page_lines, anchor=anchor, body_lines=list(body.lines)
    )
    if body.container is None and title:
        body = replace(body, lines=drop_title_lines(body.lines, title))
    kind, year = parse_report_kind(title or " ".join(body.lines[:3]))
    return Extraction(
        title=meta.title,
        published=meta.published,
        written=meta.written,
        doc_number=meta.doc_number,
        index_number=meta.index_number,
        publisher=meta.publisher,
        report_kind=kind,
        report_year=year,
        attachments=find_attachments(
            root, container=body.container, base_url=find_base_url(root, url)
        ),
        text="\n".join(body.lines),
        method=body.method,
    )
