"""Render an lxml element as the lines a reader sees: one per block element or ``<br>``."""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

from crawler.extract.boilerplate import HIDDEN_CLASSES, HIDDEN_STYLE, SKIP_CLASSES, SKIP_IDS

BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "caption", "center", "dd", "details", "dialog",
        "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2",
        "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "li", "main", "menu", "nav", "ol", "p",
        "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
        "body", "html",
    }
)  # fmt: skip
SKIP_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "head", "title", "meta", "link", "iframe",
        "frame", "frameset", "object", "embed", "svg", "canvas", "select", "option", "button",
        "input", "textarea", "map", "area", "audio", "video", "source", "base",
    }
)  # fmt: skip

_CJK_CHAR = r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]"
# A source line break between two Chinese characters renders as nothing, not as a space.
_CJK_BREAK = re.compile(rf"(?<={_CJK_CHAR})[ \t\r]*\n\s*(?={_CJK_CHAR})")
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"\s+")


def normalize_line(text: str) -> str:
    """Collapse whitespace runs to one space and trim; punctuation stays as written.

    >>> normalize_line("\\u3000\\u3000第一条\\u00a0 规定\\u200b。\\n")
    '第一条 规定。'
    >>> normalize_line("关于批准\\n  调整")
    '关于批准调整'
    """
    if "\n" in text:
        text = _CJK_BREAK.sub("", text)
    return _SPACES.sub(" ", _INVISIBLE.sub("", text)).strip()


def is_hidden(element: HtmlElement) -> bool:
    """True when the element itself is hidden by an attribute, a class or an inline style."""
    if element.get("hidden") is not None:
        return True
    classes = element.get("class")
    if classes and not HIDDEN_CLASSES.isdisjoint(classes.split()):
        return True
    style = element.get("style")
    return bool(style and HIDDEN_STYLE.search(style))


def is_skipped(element: HtmlElement) -> bool:
    """True for elements never rendered: scripts, widgets, hidden copies."""
    tag = element.tag
    # Word exports draw shapes in VML (v:…); their text is layout residue, not the document.
    if not isinstance(tag, str) or tag in SKIP_TAGS or tag.startswith("v:"):
        return True
    if element.get("id") in SKIP_IDS:
        return True
    classes = element.get("class")
    if classes and not SKIP_CLASSES.isdisjoint(classes.split()):
        return True
    return is_hidden(element)


def has_hidden_ancestor(element: HtmlElement) -> bool:
    """True when the element or an ancestor is hidden (e.g. an AngularJS ``ng-hide`` copy)."""
    return any(is_hidden(node) for node in (element, *element.iterancestors()))


def render_lines(element: HtmlElement, *, skip: HtmlElement | None = None) -> list[str]:
    """The element's visible text, one line per block, without empty lines.

    ``skip`` leaves one subtree out, and marks its place with an empty string in the result so
    callers can tell what stood before and after it.

    >>> import lxml.html
    >>> render_lines(lxml.html.fromstring(
    ...     "<div><p>第一段<span>续</span></p><p>甲<br>乙</p><script>x()</script>"
    ...     "<div style='display:none'>隐</div><table><tr><td>文号</td><td>国发〔2024〕1号</td>"
    ...     "</tr></table></div>"))
    ['第一段续', '甲', '乙', '文号', '国发〔2024〕1号']
    """
    lines: list[str] = []
    parts: list[str] = []

    def flush() -> None:
        if parts:
            line = normalize_line("".join(parts))
            parts.clear()
            if line:
                lines.append(line)

    walker = etree.iterwalk(element, events=("start", "end"))
    skipping: HtmlElement | None = None
    for event, node in walker:
        if event == "start":
            if node is skip:
                flush()
                lines.append("")
                walker.skip_subtree()
                skipping = node
                continue
            if is_skipped(node):
                walker.skip_subtree()
                skipping = node
                continue
            tag = node.tag
            if tag in BLOCK_TAGS or tag == "br":
                flush()
            if node.text:
                parts.append(node.text)
        else:
            if node is skipping:
                skipping = None
            elif node.tag in BLOCK_TAGS:
                flush()
            if node is not element and node.tail:
                parts.append(node.tail)
    flush()
    return lines
