"""The shipped seeds: valid, unverified, spread over families and provinces, traceable to the doc.

Every start URL must come from ../shared/docs/real-sources.md, either verbatim or by the legend's
Hanweb rule (a report /art/…/art_N_ID.html on the same host gives /col/colN/index.html).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from crawler.seeds import Seed, scan_seeds

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"

# Families each listing adapter is built for. A seed of any other family (or one whose cms is
# another adapter) must say in adapter_needed what its listing really needs.
SERVED_BY: dict[str, set[str]] = {
    "hanweb": {"Hanweb"},
    "trs": {"TRS"},
    # Static anchors plus 下一页 / index_N.html / ?page=N; the families below are not documented
    # in cms-patterns.md as working any other way.
    "generic": {
        "Guangdong post_ID",
        "Shanghai dated-uuid",
        "Hebei columns/uuid",
        "Heilongjiang 集约化",
        "YYYYMM/uuid32.shtml",
        "Guangxi 集约化",
        "other",
    },
}
# The CMS legend's family names (real-sources.md), so a typo does not make a new family.
LEGEND_FAMILIES = set().union(*SERVED_BY.values()) | {
    "Hanweb, 信息公开 annual-report module",
    "Hanweb-derived, Gansu 集约化",
    "Guangdong post_ID, gkmlpt",
    "Shaanxi 集约化",
    "VSB (博达)",
    "OpennessAnnualReport module",
    "zwgk/public",
}

_DOC_URL = re.compile(r"https?://[^\s|`<>()\"'，。；、（）]+")
_HANWEB_COL = re.compile(r"^/col/col(\d+)/index\.html$")


def _real_sources() -> Path:
    shared = os.environ.get("GONGKAI_SHARED")
    base = Path(shared) if shared else ROOT.parent / "shared"
    return base / "docs" / "real-sources.md"


def _bare(host: str) -> str:
    return host.removeprefix("www.")


def _host_variants(url: str) -> set[str]:
    """The URL itself and its www./bare-host twin."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    twin = _bare(host) if host.startswith("www.") else f"www.{host}"
    return {url, parts._replace(netloc=parts.netloc.replace(host, twin, 1)).geturl()}


def _derived_from_hanweb_report(url: str, doc_urls: set[str]) -> bool:
    """Whether a /col/colN/index.html listing has an art_N_ report on the same host in the doc."""
    parts = urlsplit(url)
    col = _HANWEB_COL.match(parts.path)
    if not col or parts.query:
        return False
    report = re.compile(rf"^/art/\d{{4}}/\d{{1,2}}/\d{{1,2}}/art_{col.group(1)}_\d+\.html$")
    host = _bare(parts.hostname or "")
    return any(
        _bare(urlsplit(u).hostname or "") == host and report.match(urlsplit(u).path)
        for u in doc_urls
    )


@pytest.fixture(scope="module")
def scan():
    return scan_seeds(SEEDS)


@pytest.fixture(scope="module")
def seeds(scan) -> list[Seed]:
    return list(scan.seeds.values())


def test_every_seed_file_passes_the_validator(scan):
    assert not scan.errors, "\n".join(str(e) for e in scan.errors)


def test_enough_seeds_families_and_provinces(seeds):
    assert len(seeds) >= 40
    assert len({s.family for s in seeds}) >= 5
    assert len({s.province for s in seeds}) >= 10


def test_every_seed_is_unverified_with_province_and_legend_family(seeds):
    for seed in seeds:
        assert seed.verified is False, seed.id
        assert seed.province, seed.id
        assert seed.family in LEGEND_FAMILIES, (seed.id, seed.family)


def test_priority_agencies_are_seeded(scan, seeds):
    lanzhou = scan.seeds["lanzhou-mzj"]
    assert lanzhou.start_urls == ("http://mzj.lanzhou.gov.cn/col/col2506/index.html",)
    assert lanzhou.cms == "hanweb"
    weihai = "http://mzj.weihai.gov.cn/col/col19396/index.html"
    assert any("威海市民政局" in s.name and weihai in s.start_urls for s in seeds)
    luohu = {u for s in seeds if "罗湖" in s.name for u in s.start_urls}
    for column in ("/zwgk/fzzfjsbg/", "/zwgk/fzzgjs/fzzfjsbg/", "/zwgk/fzzgjs/qzffzzfjsbg/"):
        assert f"https://www.szlh.gov.cn{column}" in luohu, column


def test_crawl_stays_on_gov_cn_hosts(seeds):
    for seed in seeds:
        for host in seed.hosts:
            assert host == "gov.cn" or host.endswith(".gov.cn"), (seed.id, host)


def test_families_our_adapters_do_not_serve_name_the_adapter_needed(seeds):
    for seed in seeds:
        if seed.family not in SERVED_BY.get(seed.cms or "", set()):
            assert seed.adapter_needed, f"{seed.id}: {seed.family} is not served by {seed.cms}"


def test_start_urls_come_from_real_sources(seeds):
    doc = _real_sources()
    if not doc.is_file():
        pytest.skip(f"real-sources.md not found at {doc}; set GONGKAI_SHARED to the shared folder")
    doc_urls = {u.rstrip(".,;:") for u in _DOC_URL.findall(doc.read_text(encoding="utf-8"))}
    for seed in seeds:
        for url in seed.start_urls:
            assert _host_variants(url) & doc_urls or _derived_from_hanweb_report(url, doc_urls), (
                f"{seed.id}: {url} is neither in real-sources.md nor derived from a report there"
            )
        # Notes cite where the listing came from, and cite only addresses the doc holds.
        cited = _DOC_URL.findall(seed.notes or "")
        assert cited, f"{seed.id}: notes cite no report or listing URL"
        for url in cited:
            assert url.rstrip(".,;:") in doc_urls, f"{seed.id}: notes cite {url}, not in the doc"
