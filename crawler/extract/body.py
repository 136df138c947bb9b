"""Find the report body: the family's content container, else trafilatura, else a fallback."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import trafilatura
from lxml import etree
from lxml.html import HtmlElement

from crawler.extract.boilerplate import PRUNE_XPATHS, clean_lines
from crawler.extract.containers import iter_container_selectors
from crawler.extract.render import has_hidden_ancestor, normalize_line, render_lines

# A container with less visible text than this is an empty shell (filled by JavaScript).
MIN_CONTAINER_CHARS = 10
# trafilatura output shorter than this is retried in recall mode, then with the baseline.
MIN_TRAFILATURA_CHARS = 50


@dataclass(frozen=True)
class Body:
    """The body's lines, how they were found, and the container element when there was one."""

    lines: tuple[str, ...]
    method: str
    container: HtmlElement | None = None


def _text_length(lines: list[str] | tuple[str, ...]) -> int:
    return sum(len(line.replace(" ", "")) for line in lines)


@cache
def _compiled(selector: str) -> etree.XPath:
    return etree.XPath(selector)


def find_container(root: HtmlElement, *, cms: str | None = None) -> Body | None:
    """The first visible known container with text, rendered and cleaned."""
    for selector in iter_container_selectors(cms):
        for element in _compiled(selector)(root):
            if has_hidden_ancestor(element):
                continue
            lines = clean_lines(render_lines(element))
            if _text_length(lines) >= MIN_CONTAINER_CHARS:
                return Body(tuple(lines), f"container:{selector}", element)
    return None


def _split_text(text: str | None) -> list[str]:
    if not text:
        return []
    return clean_lines([line for line in map(normalize_line, text.splitlines()) if line])


def run_trafilatura(root: HtmlElement, *, url: str | None, precision: bool) -> list[str]:
    """trafilatura's text in precision or recall mode, with widgets and hidden copies pruned."""
    text = trafilatura.extract(
        root,
        url=url,
        favor_precision=precision,
        favor_recall=not precision,
        include_comments=False,
        include_tables=True,
        deduplicate=False,
        prune_xpath=list(PRUNE_XPATHS),
    )
    return _split_text(text)


def extract_body(root: HtmlElement, *, cms: str | None = None, url: str | None = None) -> Body:
    """The report body of a parsed page; ``method`` says which path produced it."""
    found = find_container(root, cms=cms)
    if found is not None:
        return found
    lines = run_trafilatura(root, url=url, precision=True)
    if _text_length(lines) >= MIN_TRAFILATURA_CHARS:
        return Body(tuple(lines), "trafilatura-precision")
    attempts = [(lines, "trafilatura-precision")]
    attempts.append((run_trafilatura(root, url=url, precision=False), "trafilatura-recall"))
    if _text_length(attempts[-1][0]) < MIN_TRAFILATURA_CHARS:
        _, baseline_text, _ = trafilatura.baseline(root)
        attempts.append((_split_text(baseline_text), "fallback-baseline"))
    lines, method = max(attempts, key=lambda attempt: _text_length(attempt[0]))
    return Body(tuple(lines), method if lines else "empty")
