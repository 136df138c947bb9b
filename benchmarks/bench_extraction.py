"""Score report extractors on the shared corpus of real government pages, side by side.

    python benchmarks/bench_extraction.py [--verbose] [--repeat N] [--corpus DIR] [--portal]

Needs the `bench` extra (gne, readability-lxml). Scoring follows the corpus README, comparing
whitespace-insensitively:

- line precision: share of output lines found in the gold body (the gold paragraphs joined);
- paragraph recall: share of gold paragraphs present in full in the output;
- jieba-token precision, recall and F1 over bags of tokens;
- pages with boilerplate: pages where an output line equals one of the page's `must_not` lines;
- metadata: exact match per field, counted as ok / wrong / missing, on the pages where the gold
  has the field (title and published from the corpus JSONs, doc_number, index_number and
  publisher from benchmarks/corpus_metadata.json, only where the page shows them);
- ms/page: the best of --repeat runs per page, averaged over pages.

Page metrics are averaged over pages (each page counts once). `--portal` adds a second table on
the local test portal's synthetic pages (crawler/portal), whose metadata is known exactly.
"""

from __future__ import annotations

import argparse
import datetime
import json
import logging
import os
import statistics
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jieba
import lxml.html
import trafilatura
from gne import GeneralNewsExtractor
from readability import Document

from crawler.extract import extract_report
from crawler.extract.dates import parse_date
from crawler.extract.render import render_lines

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = Path(os.environ.get("GONGKAI_CORPUS", ROOT.parent / "shared" / "corpus"))
FIELDS = ("title", "published", "doc_number", "index_number", "publisher")


@dataclass(frozen=True)
class Page:
    name: str
    html: str
    url: str | None
    paragraphs: list[str]
    must_not: list[str]
    gold: dict[str, object]  # field -> value, only for fields scored on this page


@dataclass
class Output:
    lines: list[str]
    meta: dict[str, object] = field(default_factory=dict)


def _norm(text: str) -> str:
    return "".join(text.split())


def _split(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# --- extractors -------------------------------------------------------------------------------


def run_ours(page: Page) -> Output:
    e = extract_report(page.html, url=page.url)
    meta = {f: getattr(e, f) for f in FIELDS}
    return Output(e.text.splitlines(), meta)


def run_trafilatura(page: Page, *, precision: bool) -> Output:
    text = trafilatura.extract(page.html, url=page.url, favor_precision=precision)
    return Output(_split(text))


def meta_trafilatura(page: Page, *, precision: bool) -> dict[str, object]:
    doc = trafilatura.bare_extraction(
        page.html, url=page.url, favor_precision=precision, with_metadata=True
    )
    if doc is None:
        return {}
    return {"title": doc.title, "published": parse_date(doc.date), "publisher": doc.author}


_GNE = GeneralNewsExtractor()


def run_gne(page: Page) -> Output:
    result = _GNE.extract(page.html)
    meta = {
        "title": result.get("title") or None,
        "published": parse_date(result.get("publish_time")),
        "publisher": result.get("author") or None,
    }
    return Output(_split(result.get("content")), meta)


def run_readability(page: Page) -> Output:
    doc = Document(page.html)
    summary = lxml.html.fromstring(doc.summary())
    return Output(render_lines(summary), {"title": doc.short_title() or None})


@dataclass(frozen=True)
class Extractor:
    name: str
    run: Callable[[Page], Output]
    # Metadata read by a separate, untimed call (trafilatura's body call is timed without it).
    meta: Callable[[Page], dict[str, object]] | None = None


EXTRACTORS: tuple[Extractor, ...] = (
    Extractor("gongkai", run_ours),
    Extractor(
        "trafilatura",
        lambda p: run_trafilatura(p, precision=False),
        lambda p: meta_trafilatura(p, precision=False),
    ),
    Extractor(
        "trafilatura precision",
        lambda p: run_trafilatura(p, precision=True),
        lambda p: meta_trafilatura(p, precision=True),
    ),
    Extractor("GNE", run_gne),
    Extractor("readability", run_readability),
)

# --- scoring ----------------------------------------------------------------------------------


def _tokens(lines: list[str]) -> Counter[str]:
    bag: Counter[str] = Counter()
    for line in lines:
        bag.update(t for t in jieba.lcut(_norm(line)) if t.strip())
    return bag


@dataclass(frozen=True)
class Score:
    line_precision: float
    paragraph_recall: float
    token_precision: float
    token_recall: float
    token_f1: float
    boilerplate: list[str]
    bad_lines: list[str]
    missed: list[str]


def score_page(page: Page, lines: list[str], gold_tokens: Counter[str]) -> Score:
    gold_body = _norm("".join(page.paragraphs))
    out = [line for line in lines if _norm(line)]
    bad = [line for line in out if _norm(line) not in gold_body]
    joined = _norm("".join(out))
    missed = [p for p in page.paragraphs if _norm(p) not in joined]
    forbidden = {_norm(line) for line in page.must_not}
    leaked = [line for line in out if _norm(line) in forbidden]
    tokens = _tokens(out)
    overlap = sum((tokens & gold_tokens).values())
    tp = overlap / sum(tokens.values()) if tokens else 0.0
    tr = overlap / sum(gold_tokens.values()) if gold_tokens else 0.0
    return Score(
        line_precision=(len(out) - len(bad)) / len(out) if out else 0.0,
        paragraph_recall=1 - len(missed) / len(page.paragraphs) if page.paragraphs else 1.0,
        token_precision=tp,
        token_recall=tr,
        token_f1=2 * tp * tr / (tp + tr) if tp + tr else 0.0,
        boilerplate=leaked,
        bad_lines=bad,
        missed=missed,
    )


def judge(gold: object, got: object) -> str:
    if got in (None, ""):
        return "missing"
    if isinstance(gold, str) and isinstance(got, str):
        return "ok" if gold.strip() == got.strip() else "wrong"
    return "ok" if gold == got else "wrong"


# --- corpus -----------------------------------------------------------------------------------


def load_corpus(corpus: Path) -> list[Page]:
    extra_path = Path(__file__).with_name("corpus_metadata.json")
    extra = json.loads(extra_path.read_text("utf-8"))
    pages = []
    for html_path in sorted((corpus / "articles").glob("*.html")):
        spec = json.loads(html_path.with_suffix(".json").read_text("utf-8"))
        gold: dict[str, object] = {
            "title": spec["title"],
            "published": datetime.date.fromisoformat(spec["published"]),
        }
        gold |= {k: v for k, v in extra.get(html_path.stem, {}).items() if k in FIELDS}
        pages.append(
            Page(
                name=html_path.stem,
                html=html_path.read_text("utf-8"),
                url=spec.get("url"),
                paragraphs=spec["paragraphs"],
                must_not=spec["must_not"],
                gold=gold,
            )
        )
    return pages


def load_portal() -> list[Page]:
    from crawler.portal import build_sites

    pages = []
    for site in build_sites():
        for item in site.pages:
            gold = {f: getattr(item, f) for f in FIELDS if getattr(item, f) is not None}
            pages.append(
                Page(
                    name=f"{site.key}/{item.key}",
                    html=site.render_detail(item),
                    url=f"http://127.0.0.1/{site.detail_path(item).lstrip('/')}",
                    paragraphs=item.paragraphs,
                    must_not=[],
                    gold=gold,
                )
            )
    return pages


# --- report -----------------------------------------------------------------------------------


@dataclass
class Result:
    scores: dict[str, Score] = field(default_factory=dict)
    meta: dict[str, dict[str, object]] = field(default_factory=dict)
    ms: dict[str, float] = field(default_factory=dict)


def run_benchmark(pages: list[Page], repeat: int) -> dict[str, Result]:
    results = {e.name: Result() for e in EXTRACTORS}
    for page in pages:
        gold_tokens = _tokens(page.paragraphs)
        for extractor in EXTRACTORS:
            timings = []
            output = Output([])
            for _ in range(repeat):
                start = time.perf_counter()
                output = extractor.run(page)
                timings.append(time.perf_counter() - start)
            meta = extractor.meta(page) if extractor.meta else output.meta
            result = results[extractor.name]
            result.scores[page.name] = score_page(page, output.lines, gold_tokens)
            result.meta[page.name] = meta
            result.ms[page.name] = min(timings) * 1000
    return results


def print_table(title: str, pages: list[Page], results: dict[str, Result]) -> None:
    names = [e.name for e in EXTRACTORS]

    def mean(name: str, attr: str) -> str:
        return f"{statistics.fmean(getattr(s, attr) for s in results[name].scores.values()):.3f}"

    rows: list[tuple[str, list[str]]] = [
        ("line precision", [mean(n, "line_precision") for n in names]),
        ("paragraph recall", [mean(n, "paragraph_recall") for n in names]),
        ("token precision", [mean(n, "token_precision") for n in names]),
        ("token recall", [mean(n, "token_recall") for n in names]),
        ("token F1", [mean(n, "token_f1") for n in names]),
    ]
    if any(p.must_not for p in pages):
        rows.append(
            (
                "pages with boilerplate",
                [
                    f"{sum(bool(s.boilerplate) for s in results[n].scores.values())}/{len(pages)}"
                    for n in names
                ],
            )
        )
    for fld in FIELDS:
        scored = [p for p in pages if fld in p.gold]
        cells = []
        for n in names:
            if not scored:
                cells.append("n/a")
                continue
            verdicts = Counter(judge(p.gold[fld], results[n].meta[p.name].get(fld)) for p in scored)
            cells.append(
                f"{verdicts['ok']}/{len(scored)} ({verdicts['wrong']}w {verdicts['missing']}m)"
            )
        rows.append((f"{fld} ok (wrong, missing)", cells))
    rows.append(("ms/page", [f"{statistics.fmean(results[n].ms.values()):.1f}" for n in names]))

    widths = [max(len(r[0]) for r in rows)] + [
        max(len(n), *(len(r[1][i]) for r in rows)) for i, n in enumerate(names)
    ]
    print(f"\n{title}")
    header = ["metric", *names]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip())
    print("  ".join("-" * w for w in widths))
    for label, cells in rows:
        print("  ".join(c.ljust(w) for c, w in zip([label, *cells], widths, strict=True)).rstrip())


def print_details(pages: list[Page], results: dict[str, Result]) -> None:
    for page in pages:
        print(f"\n== {page.name}")
        for extractor in EXTRACTORS:
            s = results[extractor.name].scores[page.name]
            print(
                f"  {extractor.name:<22} lineP {s.line_precision:.3f}"
                f"  paraR {s.paragraph_recall:.3f}"
                f"  F1 {s.token_f1:.3f}  {results[extractor.name].ms[page.name]:7.1f} ms"
            )
            for line in s.boilerplate[:5]:
                print(f"      boilerplate: {line[:70]}")
            for line in [b for b in s.bad_lines if b not in s.boilerplate][:3]:
                print(f"      not gold:    {line[:70]}")
            for para in s.missed[:3]:
                print(f"      missed:      {para[:70]}")
            meta = results[extractor.name].meta[page.name]
            for fld, gold in page.gold.items():
                got = meta.get(fld)
                verdict = judge(gold, got)
                if verdict != "ok":
                    print(f"      {fld}: {verdict}: got {got!r}, gold {gold!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per page (best kept)")
    parser.add_argument("--verbose", action="store_true", help="per-page detail")
    parser.add_argument("--portal", action="store_true", help="also score the local portal pages")
    args = parser.parse_args(argv)
    if not (args.corpus / "articles").is_dir():
        print(f"no corpus at {args.corpus} (set GONGKAI_CORPUS or --corpus)", file=sys.stderr)
        return 2
    warnings.simplefilter("ignore")
    logging.disable(logging.CRITICAL)
    jieba.setLogLevel(logging.CRITICAL)
    jieba.initialize()

    pages = load_corpus(args.corpus)
    for page in pages:  # warm-up: imports, caches, lazy compiles
        for extractor in EXTRACTORS:
            extractor.run(page)
    results = run_benchmark(pages, args.repeat)
    print(f"trafilatura {trafilatura.__version__}, {len(pages)} pages, best of {args.repeat}")
    print_table(f"Corpus: {args.corpus}", pages, results)
    if args.verbose:
        print_details(pages, results)
    if args.portal:
        portal_pages = load_portal()
        portal_results = run_benchmark(portal_pages, 1)
        label = f"Local portal (synthetic), {len(portal_pages)} pages"
        print_table(label, portal_pages, portal_results)
        if args.verbose:
            print_details(portal_pages, portal_results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
