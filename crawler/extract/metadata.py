"""Read disclosure metadata from the raw page: head metas, the disclosure table, the info line.

Labeled values outside the body win over head metas, because metas are often regenerated with
the page (Gansu's PubDate is the page build time, a month after the date shown). The label nearest
to the body wins over one further away (sidebars list other articles' dates).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from lxml.html import HtmlElement

from crawler.extract.dates import parse_date
from crawler.extract.doc_numbers import parse_doc_number, starts_with_doc_number
from crawler.extract.render import normalize_line

# Field -> (priority tier, labels). Lower tiers win; within a tier the label nearest the body does.
FIELD_LABELS: dict[str, tuple[tuple[int, tuple[str, ...]], ...]] = {
    "published": (
        (0, ("发布日期", "发布时间", "发表时间", "公开日期", "上网日期")),
        (1, ("日期", "时间")),
    ),
    "written": ((0, ("成文日期", "生成日期", "发文日期", "印发日期")),),
    "doc_number": ((0, ("发文字号", "文号", "文件编号", "发文文号")),),
    "index_number": ((0, ("索引号",)),),
    "publisher": (
        (0, ("发布机构", "发文机关", "发文单位", "发布单位")),
        (1, ("信息来源", "文章来源", "来源")),
    ),
}
# Labels that end the value before them but are not read.
STOP_LABELS: tuple[str, ...] = (
    "浏览次数", "点击次数", "点击数", "阅读次数", "浏览量", "访问量", "字号", "字体", "作者",
    "责任编辑", "分享到", "分享", "打印", "生效日期", "废止日期", "所属主题", "主题分类",
    "组配分类", "有效性", "体裁分类", "文章类型", "签发人", "公开方式", "公开范围", "统一编号",
    "信息分类", "关键词",
)  # fmt: skip

META_TITLE = ("articletitle",)
META_PUBLISHED = (
    "pubdate", "publishdate", "firstpublishedtime", "article:published_time", "dcterms.issued",
)  # fmt: skip
META_PUBLISHER = ("contentsource",)

# <title> segments are split on these site-name separators.
TITLE_SEPARATORS = re.compile(r"\s*(?:_+|\||｜| - | – | — |—{2}|－{1,2}| -- )\s*")
HEADING_XPATH = "//h1|//h2|//h3|//*[contains(@class, 'title')]"
EMPTY_VALUES = frozenset({"无", "-", "—", "/", "暂无"})

_CJK = "\u4e00-\u9fff"
_CJK_SPACE = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")


def _label_pattern(label: str) -> str:
    # Tables space out short labels: 文 号, 索 引 号.
    return r"\s*".join(map(re.escape, label))


_LABEL_FIELD: dict[str, tuple[str, int]] = {
    label: (field, tier)
    for field, tiers in FIELD_LABELS.items()
    for tier, labels in tiers
    for label in labels
}
_ALL_LABELS = sorted((*_LABEL_FIELD, *STOP_LABELS), key=len, reverse=True)
# Two-character labels (来源, 日期, 文号) need a boundary before them ("资金来源：" is not one);
# longer ones are distinct enough to stand right after other text ("…检查局文章类型：").
_LONG_LABELS = "|".join(_label_pattern(label) for label in _ALL_LABELS if len(label) > 2)
_SHORT_LABELS = "|".join(_label_pattern(label) for label in _ALL_LABELS if len(label) <= 2)
_LABEL = re.compile(rf"({_LONG_LABELS}|(?<![{_CJK}])(?:{_SHORT_LABELS}))\s*[:：]")
_BARE_LABEL = re.compile(rf"({'|'.join(map(_label_pattern, _ALL_LABELS))})\s*[:：]?")
_INDEX_NUMBER = re.compile(r"[A-Za-z0-9][\w\-/.()（）]*")


@dataclass(frozen=True)
class Candidate:
    """A labeled value seen on the page."""

    field: str
    tier: int
    line: int
    value: str


def tidy_title(text: str) -> str:
    """Collapse whitespace, and drop it next to Chinese characters, where it is layout.

    >>> tidy_title(" 调整2007\\u3000年末国债 ")
    '调整2007年末国债'
    """
    return _CJK_SPACE.sub("", normalize_line(text))


def read_meta_tags(root: HtmlElement) -> dict[str, str]:
    """``<meta name|property=… content=…>`` values by lower-cased name, first non-empty wins."""
    metas: dict[str, str] = {}
    for meta in root.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").strip().lower()
        content = normalize_line(meta.get("content") or "")
        if name and content and name not in metas:
            metas[name] = content
    return metas


def find_title(root: HtmlElement, metas: dict[str, str]) -> str | None:
    """ArticleTitle meta, else the ``<title>`` segment a heading repeats, else its longest one."""
    for name in META_TITLE:
        if metas.get(name):
            return tidy_title(metas[name])
    title_element = root.find(".//title")
    raw = title_element.text_content() if title_element is not None else ""
    whole = tidy_title(raw)
    headings = {tidy_title(h.text_content()) for h in root.xpath(HEADING_XPATH)}
    # A heading the <title> opens with, cut at any separator ("标题-站名", but "1-10月…" whole).
    for heading in sorted(headings, key=len, reverse=True):
        rest = whole[len(heading) :]
        if len(heading) >= 4 and whole.startswith(heading) and (not rest or rest[0] in "-_|｜—–·"):
            return heading
    segments = [tidy_title(s) for s in TITLE_SEPARATORS.split(raw) if tidy_title(s)]
    for segment in segments:
        if segment in headings:
            return segment
    if segments:
        return max(segments, key=len)
    return None


def _accept(field: str, value: str) -> str | None:
    value = value.strip(" ：:;；,，|丨")
    if not value or value in EMPTY_VALUES:
        return None
    if field in ("published", "written"):
        return value if parse_date(value) else None
    if field == "doc_number":
        return parse_doc_number(value)
    if field == "index_number":
        match = _INDEX_NUMBER.match(value)
        return match.group(0) if match else None
    # publisher: one name, no spaces in it
    name = value.split()[0]
    return name if len(name) <= 40 and not parse_date(name) else None


def read_labeled_lines(lines: list[str]) -> list[Candidate]:
    """Labeled values in page lines: ``索引号：…`` inline, or a label cell then its value cell.

    >>> [(c.field, c.value) for c in read_labeled_lines(
    ...     ["索引号: jz-mzj-2022-00068 发布机构:", "来源: 发布时间:2022-03-07 浏览次数: 【字体:"])]
    [('index_number', 'jz-mzj-2022-00068'), ('published', '2022-03-07')]
    >>> [(c.field, c.value) for c in read_labeled_lines(["发文字号", "桂民发〔2022〕7号"])]
    [('doc_number', '桂民发〔2022〕7号')]
    >>> [(c.field, c.value) for c in read_labeled_lines(["2022-04-15 15:34 来源:广西民政厅"])]
    [('published', '2022-04-15 15:34'), ('publisher', '广西民政厅')]
    """
    found: list[Candidate] = []
    for index, line in enumerate(lines):
        bare = _BARE_LABEL.fullmatch(line)
        if bare:
            label = re.sub(r"\s+", "", bare.group(1))
            if label in _LABEL_FIELD and index + 1 < len(lines):
                field, tier = _LABEL_FIELD[label]
                value = _accept(field, lines[index + 1])
                if value and not _BARE_LABEL.fullmatch(lines[index + 1]):
                    found.append(Candidate(field, tier, index, value))
            continue
        matches = list(_LABEL.finditer(line))
        if not matches:
            continue
        prefix = line[: matches[0].start()].strip()
        # "2022-04-15 15:34 来源:…": a bare date in front of the info line is the publication date.
        if prefix and len(prefix) <= 25 and parse_date(prefix):
            found.append(Candidate("published", 1, index, prefix))
        for match, following in zip(matches, [*matches[1:], None], strict=True):
            label = re.sub(r"\s+", "", match.group(1))
            if label not in _LABEL_FIELD:
                continue
            field, tier = _LABEL_FIELD[label]
            end = following.start() if following else len(line)
            raw = re.split(r"[【\[]|\s{2,}", line[match.end() : end])[0]
            value = _accept(field, raw)
            if value:
                found.append(Candidate(field, tier, index, value))
    return found


def pick_nearest(candidates: list[Candidate], field: str, anchor: int) -> str | None:
    """The best candidate for a field: lowest tier, then before the body, then nearest to it."""
    mine = [c for c in candidates if c.field == field]
    if not mine:
        return None
    best = min(mine, key=lambda c: (c.tier, c.line >= anchor, abs(anchor - c.line)))
    return best.value


@dataclass(frozen=True)
class PageMetadata:
    """What the page says about the report, before the body is known to be good."""

    title: str | None
    published: datetime.date | None
    written: datetime.date | None
    doc_number: str | None
    index_number: str | None
    publisher: str | None


def read_metadata(
    *,
    metas: dict[str, str],
    title: str | None,
    page_lines: list[str],
    anchor: int,
    body_lines: list[str],
) -> PageMetadata:
    """Combine labeled page lines (outside the body), the body's header lines and head metas."""
    candidates = read_labeled_lines(page_lines)
    published = parse_date(pick_nearest(candidates, "published", anchor))
    if published is None:
        published = next((d for d in (parse_date(metas.get(n)) for n in META_PUBLISHED) if d), None)
    doc_number = pick_nearest(candidates, "doc_number", anchor)
    if doc_number is None:
        # The document's own header: its first lines, or the heading just above the body.
        header = [*page_lines[max(0, anchor - 8) : anchor], *body_lines[:6]]
        doc_number = next(filter(None, map(starts_with_doc_number, header)), None)
    if doc_number is None and title:
        doc_number = parse_doc_number(title)
    publisher = pick_nearest(candidates, "publisher", anchor)
    if publisher is None:
        publisher = next((metas[n] for n in META_PUBLISHER if metas.get(n)), None)
    return PageMetadata(
        title=title,
        published=published,
        written=parse_date(pick_nearest(candidates, "written", anchor)),
        doc_number=doc_number,
        index_number=pick_nearest(candidates, "index_number", anchor),
        publisher=publisher,
    )
