"""Crawl throughput on a generated portal, against a bare fetch and a naive extracting spider.

    python benchmarks/bench_crawl.py [--pages 2000] [--sites 4] [--workers N] [--keep DIR]

A portal of `--pages` detail pages over `--sites` CMS-shaped sites (Hanweb, TRS/GBK, post_ID,
Guangxi; 25 items per listing page) is served from its own process, so that it doesn't share
the crawler's GIL. Every crawl runs in a fresh child process (Twisted's reactor can't
restart), with delay 0, at most 2 requests in flight per site, and the archive on SQLite.
Printed, all from the same run:

- first crawl: `gongkai crawl` of every site into an empty archive (listing pages, detail
  pages, extraction, indexing, archive writes), in detail pages per second;
- unchanged re-crawl: the same again, where every page answers 304;
- fetch ceiling: a bare Scrapy spider fetching the same listing and detail pages, doing
  nothing with them;
- naive baseline: a plain Scrapy spider calling trafilatura.extract() on each detail page;
- the ratios, with the targets (first ≥ 1.4 × naive, unchanged ≥ 0.6 × ceiling).

Times are wall-clock from the start of each child's crawl to its end (interpreter start-up
is not counted; the worker pool's start-up is). The machine may be shared: run it twice.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PER_SITE_CONCURRENCY = 2


# -- the generated portal (child process) -----------------------------------------------------


def sentence_pool() -> list[str]:
    """The sentences of the bundled real reports (about 500)."""
    import re

    from crawler.portal.catalogue import report_text

    pool = []
    for name in (
        "lanzhou-2023-fzzf",
        "weihai-2020-fzzf",
        "jinzhong-2021-fzzf",
        "guangxi-2022-fzzf-plan",
        "luohu-2024-fzzf",
    ):
        for paragraph in report_text(name):
            pool += [s for s in re.findall(r"[^。；]+[。；]?", paragraph) if len(s) > 8]
    return pool


def page_text(pool: list[str], number: int) -> list[str]:
    """Paragraphs of one generated report: 40 of the real sentences, three to a paragraph,
    drawn afresh for every page, so that pages are distinct texts (as real columns' are),
    not near-duplicates of a few templates."""
    import random

    chosen = random.Random(number).sample(pool, 40)
    return ["".join(chosen[i : i + 3]) for i in range(0, len(chosen), 3)]


MENUS = ("机构概况", "政务公开", "政务服务", "互动交流", "政策法规", "新闻动态", "专题专栏",
         "数据开放", "公共服务", "办事指南", "通知公告", "人事信息")  # fmt: skip


def page_chrome() -> tuple[str, str]:
    """What real government pages carry around a report (corpus pages weigh 60 to 200 KB):
    a two-level menu, stylesheets and scripts inline, a links block and a long footer."""
    menu = "".join(
        f'<li class="nav-item"><a href="/col/col{100 + i}/index.html">{name}</a><ul class="sub">'
        + "".join(
            f'<li><a href="/col/col{1000 + i * 20 + j}/index.html">{name}栏目{j + 1}</a></li>'
            for j in range(14)
        )
        + "</ul></li>"
        for i, name in enumerate(MENUS)
    )
    style = (
        "<style>"
        + "".join(
            f".m{i}{{margin:0 {i % 7}px;padding:{i % 5}px;color:#3{i % 10}{i % 10};}}"
            for i in range(260)
        )
        + "</style>"
    )
    script = (
        "<script>"
        + "".join(
            f"function f{i}(a,b){{var c=a*{i}+b;if(c>{i * 3}){{return c-{i};}}"
            f"return $('#m{i}').width()+c;}}"
            for i in range(220)
        )
        + "</script>"
    )
    links = "".join(
        f'<li><a href="http://www.example{i}.gov.cn/" target="_blank">相关网站{i + 1}</a></li>'
        for i in range(80)
    )
    top = f'{style}<div class="topnav"><ul class="nav">{menu}</ul></div>'
    bottom = (
        f'<div class="links"><h3>相关链接</h3><ul>{links}</ul></div>'
        '<div class="footer-more"><p>主办单位：本机关　承办：本机关办公室　地址：本市人民路1号'
        "　邮编：730000　电话：0931-0000000</p><p>网站标识码：0000000000　备案号：ICP备00000000号"
        f"</p></div>{script}"
    )
    return top, bottom


# Real pages from the shared corpus whose body container is emptied and refilled with each
# generated report: real chrome, real markup, real extraction cost. (nfra-rendered is left out:
# it is a browser-rendered DOM, not what a server sends.)
TEMPLATES = ("hanweb-zj-fgw", "trs-shanxi", "fujian-pingtan-report", "gansu-fzgg",
             "govcn-gazette", "trs-cmse")  # fmt: skip
BODY, TITLE = "GONGKAI-BODY-MARK", "GONGKAI-TITLE-MARK"


def corpus_templates(corpus: Path) -> list[str]:
    """The corpus articles as templates with BODY and TITLE marks; [] without the corpus."""
    import lxml.html
    from lxml.cssselect import CSSSelector

    templates = []
    for name in TEMPLATES:
        page, meta = corpus / "articles" / f"{name}.html", corpus / "articles" / f"{name}.json"
        if not page.exists() or not meta.exists():
            return []
        selector = json.loads(meta.read_text(encoding="utf-8"))["body_selector"]
        root = lxml.html.fromstring(page.read_text(encoding="utf-8"))
        found = root.xpath(selector) if selector.startswith("/") else CSSSelector(selector)(root)
        container = found[0] if found[0].tag != "p" else found[0].getparent()
        for child in list(container):
            container.remove(child)
        container.text = BODY
        for element in root.iter("title"):
            element.text = TITLE
        for element in root.xpath("//meta[@name='ArticleTitle']"):
            element.set("content", TITLE)
        templates.append(lxml.html.tostring(root, encoding="unicode"))
    return templates


def weigh(site_class: type, template: str | None) -> type:
    """A portal site class whose detail pages are a real corpus page with the report's text
    in its body container; without the corpus, the site's own page inside page_chrome()."""
    top, bottom = page_chrome()

    class Heavy(site_class):  # type: ignore[misc, valid-type]
        def render_detail(self, page):  # type: ignore[no-untyped-def]
            if template is not None:
                from crawler.portal.site import esc, paragraphs_html

                body = paragraphs_html(page.paragraphs)
                return template.replace(TITLE, esc(page.title)).replace(BODY, body)
            html = super().render_detail(page)
            return html.replace("<body>", "<body>" + top, 1).replace(
                "</body>", bottom + "</body>", 1
            )

    Heavy.__name__ = f"Heavy{site_class.__name__}"
    return Heavy


def generated_sites(pages: int, sites: int, corpus: Path) -> list:
    """`sites` sites sharing `pages` detail pages of real report sentences."""
    from crawler.portal.catalogue import PortalPage
    from crawler.portal.generic_site import GuangxiSite, PostIdSite
    from crawler.portal.hanweb_site import HanwebSite
    from crawler.portal.trs_site import TrsSite

    pool = sentence_pool()
    templates = corpus_templates(corpus)
    agencies = ["某市民政局", "某市司法局", "某县人民政府", "某区统计局"]
    made = []
    for s in range(sites):
        agency = agencies[s % len(agencies)] + (str(s) if s >= len(agencies) else "")
        count = pages // sites + (1 if s < pages % sites else 0)
        site_pages = []
        for i in range(count):
            day = dt.date(2018, 1, 1) + dt.timedelta(days=(i * 3) % 2900)
            site_pages.append(
                PortalPage(
                    key=f"p{i}",
                    title=f"{agency}关于第{i + 1}号政府信息公开事项的通知",
                    published=day,
                    paragraphs=[*page_text(pool, s * 100_000 + i), agency, f"{day:%Y年%-m月%-d日}"],
                    publisher=agency,
                    article_id=100000 + s * 10000 + i,
                )
            )
        kind = s % 4
        key = f"bench-{s}"
        template = templates[s % len(templates)] if templates else None
        if kind == 0:
            site = weigh(HanwebSite, template)(
                key, agency, site_pages, column=3000 + s, unit=70 + s, webid=9, per_page=25
            )
        elif kind == 1:
            site = weigh(TrsSite, template)(
                key, agency, site_pages, column_path="/zwgk/tzgg/", per_page=25
            )
        elif kind == 2:
            site = weigh(PostIdSite, template)(
                key, agency, site_pages, column_path="/zwgk/xxgk/", per_page=25
            )
        else:
            site = weigh(GuangxiSite, template)(
                key, agency, site_pages, column_path="/xxgk/gk/", per_page=25
            )
        made.append(site)
    return made


def serve(pages: int, sites: int, seeds: Path, corpus: Path) -> None:
    """Run the generated portal until stdin closes; write its seeds and the URLs to fetch."""
    from crawler.portal import Portal

    portal = Portal(sites=generated_sites(pages, sites, corpus)).start()
    portal.write_seeds(seeds, max_pages=1000, retry_backoff=0.1)
    sample = [s.encode(s.render_detail(p)) for s, p in list(portal.pages())[::50]]
    urls = {
        "listings": {k: portal.listing_url(k) for k in portal.sites},
        "details": [portal.url(s.key, s.detail_path(p)) for s, p in portal.pages()],
        "kib": sum(map(len, sample)) / len(sample) / 1024,
        "templates": bool(corpus_templates(corpus)),
    }
    print(json.dumps(urls), flush=True)
    sys.stdin.read()  # until the parent closes our stdin
    portal.stop()


# -- the crawls (child processes) ---------------------------------------------------------------


def gongkai_crawl(db: str, seeds: Path, workers: int | None) -> dict[str, float]:
    from archive import Archive
    from crawler.runner import crawl_settings, index_sources, run_crawls
    from crawler.seeds import load_seeds
    from crawler.workers import WorkerPool

    chosen = load_seeds(seeds)
    overrides = {"GONGKAI_WORKERS": workers} if workers is not None else {}
    start = time.perf_counter()
    summaries = run_crawls(
        chosen, db_url=db, overrides=overrides, max_parallel=len(chosen), index=False
    )
    seconds = time.perf_counter() - start
    # The index pass `gongkai crawl` runs when its fetching is done, timed on its own.
    start = time.perf_counter()
    with Archive.open(db) as archive:
        indexed = index_sources(
            archive,
            [s.id for s in chosen],
            workers=WorkerPool.count(crawl_settings(db, overrides)),
        )
    index_seconds = time.perf_counter() - start
    bad = [s for s in summaries if s.status != "ok" or s.counts.errors]
    if bad:
        raise SystemExit(f"crawl went wrong: {bad}")
    return {
        "seconds": seconds,
        "pages": sum(s.counts.pages for s in summaries),
        "new": sum(s.counts.new_documents for s in summaries),
        "changed": sum(s.counts.new_versions for s in summaries),
        "indexed": indexed,
        "index_seconds": index_seconds,
    }


def plain_spider(urls: dict, *, extract: bool) -> dict[str, float]:
    """A plain Scrapy spider over the same pages: listings walked as the pager says is not
    needed here, so it fetches the listing start pages and every detail URL directly."""
    from urllib.parse import urlsplit

    import scrapy
    from scrapy.crawler import CrawlerProcess

    counts = {"details": 0, "chars": 0}
    detail_urls = urls["details"]

    class PlainSpider(scrapy.Spider):
        name = "plain"

        async def start(self):  # type: ignore[no-untyped-def]
            for url in [*urls["listings"].values(), *detail_urls]:
                # one download slot per portal site (they share 127.0.0.1), like gongkai's
                # one crawler per source
                yield scrapy.Request(url, meta={"download_slot": urlsplit(url).netloc})

        def parse(self, response):  # type: ignore[no-untyped-def]
            if "/col/" in response.url or response.url in urls["listings"].values():
                return
            counts["details"] += 1
            if extract:
                import trafilatura

                text = trafilatura.extract(response.text) or ""
                counts["chars"] += len(text)

    process = CrawlerProcess(
        settings={
            "LOG_LEVEL": "WARNING",
            "ROBOTSTXT_OBEY": False,
            "CONCURRENT_REQUESTS": PER_SITE_CONCURRENCY * len(urls["listings"]),
            "CONCURRENT_REQUESTS_PER_DOMAIN": PER_SITE_CONCURRENCY,
            "DOWNLOAD_DELAY": 0,
            "AUTOTHROTTLE_ENABLED": False,
            "TELNETCONSOLE_ENABLED": False,
        }
    )
    process.crawl(PlainSpider)
    start = time.perf_counter()
    process.start()
    return {"seconds": time.perf_counter() - start, "pages": counts["details"]}


def child(argv: list[str]) -> None:
    mode = argv[0]
    if mode == "serve":
        serve(int(argv[1]), int(argv[2]), Path(argv[3]), Path(argv[4]))
        return
    if mode == "crawl":
        workers = None if argv[3] == "auto" else int(argv[3])
        result = gongkai_crawl(argv[1], Path(argv[2]), workers)
    else:
        urls = json.loads(Path(argv[1]).read_text())
        result = plain_spider(urls, extract=mode == "naive")
    print("RESULT " + json.dumps(result), flush=True)


def run_child(*args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    for line in out.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line.removeprefix("RESULT "))  # type: ignore[no-any-return]
    raise SystemExit(f"child {args[0]} failed:\n{out.stdout}\n{out.stderr}")


# -- the run ---------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--sites", type=int, default=4)
    parser.add_argument(
        "--workers", default="auto", help="extraction processes (default: one per CPU)"
    )
    parser.add_argument("--keep", type=Path, help="keep the archive and seeds in this folder")
    parser.add_argument(
        "--corpus",
        type=Path,
        default=Path(os.environ.get("GONGKAI_CORPUS", ROOT.parent / "shared" / "corpus")),
        help="the shared corpus, whose real pages are the detail pages' templates",
    )
    parser.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return

    folder = args.keep or Path(tempfile.mkdtemp(prefix="gongkai-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    seeds, db = folder / "seeds", f"sqlite:///{folder / 'archive.db'}"
    portal = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--child",
            "serve",
            str(args.pages),
            str(args.sites),
            str(seeds),
            str(args.corpus),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert portal.stdout is not None
        urls = json.loads(portal.stdout.readline())
        (folder / "urls.json").write_text(json.dumps(urls))
        how = "real corpus pages as templates" if urls["templates"] else "synthetic chrome"
        print(
            f"portal: {len(urls['details'])} detail pages on {len(urls['listings'])} sites "
            f"(separate process), {urls['kib']:.0f} KiB per page on average ({how}); "
            f"{os.cpu_count()} CPUs; archive {db}"
        )
        fetch = run_child("fetch", str(folder / "urls.json"))
        naive = run_child("naive", str(folder / "urls.json"))
        first = run_child("crawl", db, str(seeds), args.workers)
        again = run_child("crawl", db, str(seeds), args.workers)
    finally:
        if portal.stdin:
            portal.stdin.close()
        portal.wait(timeout=30)
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    details = len(urls["details"])
    assert first["new"] == details, first
    assert again["new"] == 0 and again["changed"] == 0, again

    def rate(r: dict[str, float]) -> float:
        return details / r["seconds"]

    assert first["indexed"] == details and again["indexed"] == 0, (first, again)
    index_pass = {"seconds": first["index_seconds"]}
    with_index = {"seconds": first["seconds"] + first["index_seconds"]}
    rows = [
        ("fetch ceiling (bare Scrapy spider)", fetch),
        ("naive baseline (Scrapy + trafilatura.extract)", naive),
        ("gongkai first crawl (into the archive)", first),
        ("  then its index pass (jieba, FTS, copies)", index_pass),
        ("  first crawl and index pass together", with_index),
        ("gongkai unchanged re-crawl (304s, sightings)", again),
    ]
    print(f"\n{'':48} {'seconds':>8} {'pages/s':>8}")
    for label, r in rows:
        print(f"{label:48} {r['seconds']:8.2f} {rate(r):8.1f}")
    first_ratio = rate(first) / rate(naive)
    again_ratio = rate(again) / rate(fetch)
    print(
        f"\nfirst crawl / naive baseline:     {first_ratio:5.2f}×  (target ≥ 1.40)"
        f"  {'met' if first_ratio >= 1.4 else 'MISSED'}"
    )
    print(
        f"unchanged re-crawl / fetch ceiling: {again_ratio:5.2f}   (target ≥ 0.60)"
        f"  {'met' if again_ratio >= 0.6 else 'MISSED'}"
    )
    print(
        f"first crawl with its index pass / naive baseline: {rate(with_index) / rate(naive):5.2f}×"
        " (the naive spider neither stores nor indexes)"
    )
    print(f"naive baseline / fetch ceiling:   {rate(naive) / rate(fetch):5.2f}")


if __name__ == "__main__":
    main()
