"""Archive benchmark: a synthetic archive of N documents and 10×N versions in SQLite.

    python benchmarks/bench_archive.py [--documents 100000] [--versions-per-document 10]
                                       [--db PATH] [--keep] [--seed 1]

Loads the archive in bulk through SQLAlchemy Core, into the schema the migrations make (so the
indexes are the product's), then times the product's own read and write paths:

- a published-date range query (one month), as `gongkai query --json` runs it;
- an as-of lookup (`gongkai show URL --as-of T`), and an as-of query over one month;
- full-text queries (`--text`), a page of 50 hits with snippets, and the count of all hits;
- a word-level diff of two ~20 KB reports (the portal's lanzhou and guangxi reports, edited);
- the compression ratio of the stored raw pages (and of the real pages in ../shared/corpus);
- the database's growth per page on an unchanged re-crawl, through Archive.record_sightings
  and Archive.record_page, one transaction per page as the crawler writes them.

Texts are the portal's five real reports, cut into paragraphs, shuffled into documents and
edited from version to version (a figure changed, a sentence added or dropped). Raw pages are
those texts rendered by the portal's CMS-shaped sites (hanweb, trs, generic). The full-text
index is built from each paragraph's search_tokens(), computed once per distinct paragraph,
which is what indexing the joined text gives; simhash values are random (not measured).
Latencies are the median and 95th percentile of repeated runs, with jieba already loaded.
Figures come from a shared 2-core machine: read them as orders of magnitude.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import insert

from archive import Archive, Capture, PageMeta, PageRecord, Sighting, SourceInfo
from archive.asof import status_of
from archive.blobs import CODEC, compress
from archive.copies import long_enough
from archive.db import create_archive_engine, ensure_schema
from archive.diff import diff_texts
from archive.models import Blob, CrawlRun, Document, DocumentBand, Event, HttpState, Source, Version
from archive.normalize import normalize_text, sha256_hex
from archive.queries import DocumentFilter, find_document, hits_json, query_documents, version_as_of
from archive.search import TABLE as SEARCH_TABLE
from archive.search import matching_ids
from archive.segment import query_terms, search_tokens
from archive.simhash import bands, to_signed
from crawler.portal.catalogue import PortalPage, report_text
from crawler.portal.server import build_sites

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "articles"
REPORTS = (
    "lanzhou-2023-fzzf",
    "weihai-2020-fzzf",
    "jinzhong-2021-fzzf",
    "guangxi-2022-fzzf-plan",
    "luohu-2024-fzzf",
)
KINDS = ("法治政府建设年度报告", "政府信息公开工作年度报告", None, None, None)
AGENCIES = (
    "兰州市民政局",
    "威海市民政局",
    "晋中市民政局",
    "广西壮族自治区民政厅",
    "深圳市罗湖区民政局",
    "甘肃省司法厅",
    "山东省人民政府办公厅",
    "榆林市人民政府",
    "宁波市司法局",
    "临沂市自然资源局",
)
SOURCES = 100
BATCH = 2000
EPOCH = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
_NUMBER = re.compile(r"\d+")
_SENTENCE = re.compile(r"[^。；]+[。；]")


def _paragraph_pool() -> list[str]:
    pool = []
    for name in REPORTS:
        pool.extend(p for p in (normalize_text(x) for x in report_text(name)) if len(p) >= 8)
    return pool


Sentence = tuple[str, tuple[str, ...]]  # a sentence and its search tokens


class Synth:
    """Deterministic synthetic documents and their versions.

    A document is paragraphs of sentences, each carried with its search tokens: jieba cuts at
    punctuation, so a paragraph's tokens are its sentences' tokens in order, and an edit only
    needs the tokens of what it changed.
    """

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.pool = [self._sentences(p) for p in _paragraph_pool()]
        self.extra = [s for p in self.pool for s in p if len(s[0]) > 10]
        self.sites = build_sites()
        self._titles: dict[str, str] = {}

    @staticmethod
    def _sentences(paragraph: str) -> list[Sentence]:
        parts = _SENTENCE.findall(paragraph)
        rest = paragraph[sum(map(len, parts)) :]
        return [(x, tuple(search_tokens(x))) for x in (*parts, *([rest] if rest else []))]

    def title_tokens(self, title: str) -> str:
        if title not in self._titles:
            self._titles[title] = " ".join(search_tokens(title))
        return self._titles[title]

    def edit(self, paragraphs: list[list[Sentence]]) -> list[list[Sentence]]:
        """A new version: one figure changed, a sentence added, or a sentence dropped."""
        out = [list(p) for p in paragraphs]
        para = out[self.rng.randrange(len(out))]
        i = self.rng.randrange(len(para))
        sentence, tokens = para[i]
        numbers = list(_NUMBER.finditer(sentence))
        move = self.rng.random()
        if move < 0.5 and numbers:
            m = self.rng.choice(numbers)
            old, new = m.group(), str(int(m.group()) + self.rng.randint(1, 50))
            # the figure is a token of its own (or inside one): its tokens change with it
            para[i] = (
                sentence[: m.start()] + new + sentence[m.end() :],
                tuple(t.replace(old, new) for t in tokens),
            )
        elif move < 0.8 or len(para) < 2:
            para.insert(i + 1, self.rng.choice(self.extra))
        else:
            del para[i]
        return out


def _versions_for(rng: random.Random, documents: int, per_document: int) -> list[int]:
    """Version counts with the mean asked for (1 .. 2×mean-1 each)."""
    return [rng.randint(1, 2 * per_document - 1) for _ in range(documents)]


def load(engine: sa.Engine, synth: Synth, *, documents: int, per_document: int) -> dict[str, Any]:
    """Bulk-load the synthetic archive; returns what was loaded."""
    rng = synth.rng
    counts = _versions_for(rng, documents, per_document)
    now = dt.datetime.now(dt.UTC)
    totals = {"documents": 0, "versions": 0, "raw_bytes": 0, "stored_bytes": 0}
    with engine.begin() as conn:
        conn.execute(
            insert(Source),
            [
                {
                    "id": f"src-{i:03d}",
                    "name": AGENCIES[i % len(AGENCIES)],
                    "cms": synth.sites[i % 5].family,
                    "schedule": "0 3 * * *",
                    "updated_at": now,
                }
                for i in range(SOURCES)
            ],
        )
        conn.execute(
            insert(CrawlRun),
            [
                {
                    "id": 1,
                    "source_id": "src-000",
                    "started_at": EPOCH,
                    "finished_at": EPOCH,
                    "status": "ok",
                    "pages": 0,
                    "new_documents": 0,
                    "new_versions": 0,
                    "gone": 0,
                    "errors": 0,
                    "message": "bulk load",
                }
            ],
        )
    version_id = event_id = 0
    started = time.perf_counter()
    for start in range(0, documents, BATCH):
        rows: dict[str, list[dict[str, Any]]] = {
            k: [] for k in ("doc", "ver", "blob", "event", "state", "band", "fts")
        }
        for doc_id in range(start + 1, min(start + BATCH, documents) + 1):
            source = f"src-{rng.randrange(SOURCES):03d}"
            site = synth.sites[int(source[-3:]) % 5]
            agency = AGENCIES[int(source[-3:]) % len(AGENCIES)]
            kind = rng.choice(KINDS)
            year = rng.randint(2014, 2024)
            title = f"{agency}{year}年{kind or '工作情况通报'}"
            published = dt.date(year + 1, 1, 1) + dt.timedelta(days=rng.randrange(365))
            url = f"http://{source}.gov.cn/art/{published:%Y/%m/%d}/art_{doc_id}.html"
            paragraphs = rng.sample(synth.pool, rng.randint(3, 10))
            at = EPOCH + dt.timedelta(days=rng.randrange(1500), seconds=rng.randrange(86400))
            first_seen = at
            for n in range(1, counts[doc_id - 1] + 1):
                if n > 1:
                    paragraphs = synth.edit(paragraphs)
                    at += dt.timedelta(days=rng.randint(1, 30), seconds=rng.randrange(3600))
                lines = ["".join(x for x, _ in p) for p in paragraphs]
                text = "\n".join(lines)
                page = PortalPage(
                    key=f"d{doc_id}",
                    title=title,
                    published=published,
                    paragraphs=lines,
                    publisher=agency,
                    article_id=doc_id,
                )
                raw = site.encode(site.render_detail(page))
                raw_sha = sha256_hex(raw)
                stored = compress(raw)
                totals["raw_bytes"] += len(raw)
                totals["stored_bytes"] += len(stored)
                rows["blob"].append(
                    {
                        "sha256": raw_sha,
                        "size": len(raw),
                        "codec": CODEC,
                        "data": stored,
                        "created_at": at,
                    }
                )
                version_id += 1
                rows["ver"].append(
                    {
                        "id": version_id,
                        "document_id": doc_id,
                        "n": n,
                        "fetched_at": at,
                        "text_sha256": sha256_hex(text),
                        "text": text,
                        "meta": {
                            "title": title,
                            "published": published.isoformat(),
                            "report_kind": kind,
                            "report_year": year if kind else None,
                            "publisher": agency,
                        },
                        "raw_sha256": raw_sha,
                        "http_status": 200,
                        "http_headers": {
                            "Content-Type": "text/html; charset=utf-8",
                            "Server": "nginx",
                        },
                        "run_id": 1,
                    }
                )
                event_id += 1
                rows["event"].append(
                    {
                        "id": event_id,
                        "document_id": doc_id,
                        "at": at,
                        "kind": "first_seen" if n == 1 else "changed",
                        "version_n": n,
                        "run_id": 1,
                    }
                )
            gone = rng.random() < 0.02
            if gone:
                event_id += 1
                rows["event"].append(
                    {
                        "id": event_id,
                        "document_id": doc_id,
                        "at": at + dt.timedelta(days=3),
                        "kind": "gone",
                        "version_n": counts[doc_id - 1],
                        "run_id": 1,
                        "detail": "HTTP 404",
                    }
                )
            last_seen = at + dt.timedelta(days=rng.randint(0, 30))
            simhash = rng.getrandbits(64)
            rows["doc"].append(
                {
                    "id": doc_id,
                    "source_id": source,
                    "url": url,
                    "title": title,
                    "published": published,
                    "publisher": agency,
                    "report_kind": kind,
                    "report_year": year if kind else None,
                    "status": "gone" if gone else "live",
                    "first_seen_at": first_seen,
                    "last_seen_at": last_seen,
                    "last_changed_at": at,
                    "version_count": counts[doc_id - 1],
                    "simhash": to_signed(simhash),
                }
            )
            if long_enough(text):
                rows["band"].extend(
                    {"document_id": doc_id, "band": i, "value": v}
                    for i, v in enumerate(bands(simhash))
                )
            rows["state"].append(
                {
                    "url": url,
                    "source_id": source,
                    "etag": f'"{doc_id:x}"',
                    "last_modified": None,
                    "raw_sha256": raw_sha,
                    "status": 200,
                    "checked_at": last_seen,
                }
            )
            body = " ".join(t for p in paragraphs for _, tokens in p for t in tokens)
            rows["fts"].append({"id": doc_id, "title": synth.title_tokens(title), "body": body})
        with engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA synchronous=OFF")
            conn.execute(insert(Document), rows["doc"])
            conn.execute(sa.dialects.sqlite.insert(Blob).on_conflict_do_nothing(), rows["blob"])
            conn.execute(insert(Version), rows["ver"])
            conn.execute(insert(Event), rows["event"])
            conn.execute(insert(HttpState), rows["state"])
            if rows["band"]:
                conn.execute(insert(DocumentBand), rows["band"])
            conn.execute(
                sa.text(
                    f"INSERT INTO {SEARCH_TABLE} (rowid, title, body) VALUES (:id, :title, :body)"
                ),
                rows["fts"],
            )
        totals["documents"] += len(rows["doc"])
        totals["versions"] += len(rows["ver"])
        done = totals["documents"]
        if done % (BATCH * 10) == 0 or done == documents:
            rate = done / (time.perf_counter() - started)
            print(
                f"  loaded {done:,} documents, {totals['versions']:,} versions "
                f"({rate:,.0f} documents/s)",
                file=sys.stderr,
            )
    return totals


def timed(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median and 95th percentile milliseconds of `repeat` runs."""
    ms = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        ms.append((time.perf_counter() - start) * 1000)
    ms.sort()
    return statistics.median(ms), ms[min(len(ms) - 1, int(len(ms) * 0.95))]


def _months(rng: random.Random, count: int) -> Iterator[tuple[dt.date, dt.date]]:
    for _ in range(count):
        first = dt.date(rng.randint(2016, 2024), rng.randint(1, 12), 1)
        last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        yield first, last


def measure_queries(archive: Archive, rng: random.Random, documents: int) -> list[tuple[str, str]]:
    figures = []
    months = list(_months(rng, 20))
    urls = []
    with archive.session() as s:
        for doc_id in rng.sample(range(1, documents + 1), 50):
            urls.append(s.get_one(Document, doc_id).url)

    def month_query() -> None:
        first, last = months[rng.randrange(len(months))]
        with archive.session() as s:
            hits_json(
                s, query_documents(s, DocumentFilter(published_from=first, published_to=last))
            )

    with archive.session() as s:
        first, last = months[0]
        size = len(query_documents(s, DocumentFilter(published_from=first, published_to=last)))
    median, p95 = timed(month_query, 40)
    figures.append(
        (
            f"published-date range query (one month, ~{size} documents, JSON rows)",
            f"{median:.1f} ms (p95 {p95:.1f})",
        )
    )

    def as_of_lookup() -> None:
        url = urls[rng.randrange(len(urls))]
        at = EPOCH + dt.timedelta(days=rng.randrange(1600))
        with archive.session() as s:
            doc = find_document(s, url)
            if version_as_of(s, doc, at) is not None:
                status_of(s, doc, at)

    median, p95 = timed(as_of_lookup, 100)
    figures.append(("as-of lookup (show URL --as-of T)", f"{median:.1f} ms (p95 {p95:.1f})"))

    def as_of_month() -> None:
        first, last = months[rng.randrange(len(months))]
        at = EPOCH + dt.timedelta(days=rng.randrange(1000, 1600))
        with archive.session() as s:
            hits_json(
                s,
                query_documents(
                    s, DocumentFilter(published_from=first, published_to=last, as_of=at)
                ),
            )

    median, p95 = timed(as_of_month, 20)
    figures.append(
        (
            "as-of query (one month published, --as-of T, JSON rows)",
            f"{median:.1f} ms (p95 {p95:.1f})",
        )
    )

    for words in ("行政复议", "流浪乞讨 救助", "兰民字〔2024〕8号", "台风"):
        with archive.session() as s:
            dialect = s.get_bind().dialect.name
            ids = matching_ids(dialect, query_terms(words)).columns(sa.column("id"))
            total = s.execute(sa.select(sa.func.count()).select_from(ids.subquery())).scalar_one()

        def search(words: str = words) -> None:
            with archive.session() as s:
                hits_json(s, query_documents(s, DocumentFilter(text=words, limit=50)))

        median, p95 = timed(search, 20)
        figures.append(
            (
                f"full-text --text {words!r} --limit 50 ({total:,} hits in all)",
                f"{median:.1f} ms (p95 {p95:.1f})",
            )
        )

        def search_all(words: str = words) -> None:
            with archive.session() as s:
                query_documents(s, DocumentFilter(text=words))

        if total <= 20_000:
            median, p95 = timed(search_all, 5)
            figures.append(
                (
                    f"full-text --text {words!r}, every hit with its snippet",
                    f"{median:.1f} ms (p95 {p95:.1f})",
                )
            )
    return figures


def measure_diff(rng: random.Random) -> list[tuple[str, str]]:
    figures = []
    for name in ("lanzhou-2023-fzzf", "guangxi-2022-fzzf-plan"):
        old = normalize_text("\n".join(report_text(name)))
        lines = old.split("\n")
        # five figures changed in five paragraphs, one paragraph added and one dropped
        with_figures = [i for i, line in enumerate(lines) if _NUMBER.search(line)]
        for i in rng.sample(with_figures, 5):
            lines[i] = _NUMBER.sub(lambda m: str(int(m.group()) + 1), lines[i], count=1)
        del lines[rng.choice([i for i in range(len(lines)) if i not in with_figures])]
        lines.insert(
            rng.randrange(len(lines)), "新增段落：进一步规范行政执法行为，全年开展执法检查36次。"
        )
        new = "\n".join(lines)
        diff_texts(old, new)
        median, p95 = timed(lambda old=old, new=new: diff_texts(old, new), 30)
        count = len(diff_texts(old, new))
        kb = len(old.encode()) / 1024
        figures.append(
            (
                f"word-level diff, {name} ({kb:.0f} KB, {count} changes)",
                f"{median:.1f} ms (p95 {p95:.1f})",
            )
        )
        everything = "\n".join(
            _NUMBER.sub(lambda m: str(int(m.group()) + 1), x) for x in old.split("\n")
        )
        median, _ = timed(lambda old=old, new=everything: diff_texts(old, new), 10)
        figures.append(
            (
                f"  same, every figure changed ({len(diff_texts(old, everything))} changes)",
                f"{median:.1f} ms",
            )
        )
    return figures


def measure_growth(
    archive: Archive, db_path: Path, rng: random.Random, documents: int
) -> list[tuple[str, str]]:
    figures = []
    pages = 1000
    with archive.session() as s:
        chosen = [s.get_one(Document, i) for i in rng.sample(range(1, documents + 1), 2 * pages)]
        latest = {
            d.id: s.execute(
                sa.select(Version.text).where(
                    Version.document_id == d.id, Version.n == d.version_count
                )
            ).scalar_one()
            for d in chosen[pages:]
        }
    archive.sync_sources(
        [SourceInfo(id=f"src-{i:03d}", name=AGENCIES[i % len(AGENCIES)]) for i in range(SOURCES)]
    )

    def size() -> int:
        with archive.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        wal = db_path.with_name(db_path.name + "-wal")
        return db_path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)

    now = dt.datetime.now(dt.UTC)
    before = size()
    for d in chosen[:pages]:  # 304 Not Modified, or the same raw bytes: a sighting
        archive.record_sightings([Sighting(source_id=d.source_id, url=d.url, at=now, run_id=1)])
    grown = size() - before
    figures.append(
        (
            f"DB growth per page, unchanged re-crawl (sightings, {pages} pages)",
            f"{grown / pages:.0f} bytes",
        )
    )
    before = size()
    for d in chosen[pages:]:  # new raw bytes (a visit counter), same text: no version
        raw = f"<html><body>{latest[d.id]}<!-- {now.isoformat()} --></body></html>".encode()
        archive.record_page(
            PageRecord(
                capture=Capture(
                    source_id=d.source_id,
                    url=d.url,
                    fetched_at=now,
                    status=200,
                    raw=raw,
                    raw_sha256=sha256_hex(raw),
                    headers={"Content-Type": "text/html"},
                ),
                text=latest[d.id],
                meta=PageMeta(title=d.title, published=d.published),
                run_id=1,
            )
        )
    grown = size() - before
    figures.append(
        (
            f"DB growth per page, re-crawl with new bytes but the same text ({pages} pages)",
            f"{grown / pages:.0f} bytes",
        )
    )
    return figures


def corpus_ratio() -> str:
    pages = sorted(CORPUS.glob("*.html")) if CORPUS.is_dir() else []
    if not pages:
        return "n/a (no ../shared/corpus)"
    raw = [p.read_bytes() for p in pages]
    stored = sum(len(compress(r)) for r in raw)
    size = sum(map(len, raw))
    return f"{size / stored:.2f}× ({len(pages)} real pages, {size / len(raw) / 1024:.0f} KB each)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--versions-per-document", type=int, default=10)
    parser.add_argument("--db", type=Path, help="SQLite file to build (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the database file")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="gongkai-bench-"))
    db_path = args.db or folder / "bench.db"
    if db_path.exists():
        sys.exit(f"{db_path} exists; pass a new path")
    url = f"sqlite:///{db_path}"
    synth = Synth(args.seed)
    search_tokens("预热")  # load jieba before anything is timed
    engine = create_archive_engine(url)
    ensure_schema(engine)
    print(
        f"building {args.documents:,} documents × ~{args.versions_per_document} versions "
        f"in {db_path}",
        file=sys.stderr,
    )
    started = time.perf_counter()
    totals = load(engine, synth, documents=args.documents, per_document=args.versions_per_document)
    load_s = time.perf_counter() - started
    engine.dispose()

    figures: list[tuple[str, str]] = [
        ("documents / versions", f"{totals['documents']:,} / {totals['versions']:,}"),
        ("bulk load", f"{load_s:.0f} s"),
        ("database size", f"{db_path.stat().st_size / 2**30:.2f} GiB"),
    ]
    rng = random.Random(args.seed + 1)
    with Archive.open(url) as archive:
        figures += measure_queries(archive, rng, totals["documents"])
        figures += measure_diff(rng)
        figures.append(
            (
                "compression of stored raw pages (portal-rendered)",
                f"{totals['raw_bytes'] / totals['stored_bytes']:.2f}× "
                f"({totals['raw_bytes'] / totals['versions'] / 1024:.1f} KB each)",
            )
        )
        figures.append(("compression of real government pages (zstd level 6)", corpus_ratio()))
        figures += measure_growth(archive, db_path, rng, totals["documents"])
    width = max(len(k) for k, _ in figures)
    print()
    for key, value in figures:
        print(f"{key:<{width}}  {value}")
    if not args.keep and not args.db:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
