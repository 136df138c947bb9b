"""Listing shells over real HTTP: a column whose items load by script is reported on the run,
never archived, and not mistaken for an anti-bot wall."""

from __future__ import annotations

import pytest

from crawler.portal import Portal
from crawler.portal.cases import ShellSite
from tests.crawler.conftest import Crawler, problems


@pytest.mark.parametrize(
    ("flavour", "origin"),
    [
        ("jpaas", "loadPageData() (new Hanweb jpaas"),
        ("spa", "/datasearch/data/nmpadata/search (a Vue template; the site is behind 瑞数"),
    ],
)
def test_a_listing_shell_is_reported_and_never_archived(
    crawler: Crawler, portal: Portal, flavour: str, origin: str
) -> None:
    site = portal.add_site(ShellSite(f"shell-{flavour}", "某省某厅", flavour=flavour))
    crawler.seed(site.key, cms=None)
    crawler.crawl(site.key, expect=1)
    run = crawler.last_run(site.key)
    assert run["status"] == "failed"  # nothing could be crawled; not "blocked"
    assert run["message"].startswith(
        "listing holds no items; the site loads them by script from " + origin
    )
    (shell,) = problems(run, "listing-shell")
    assert shell["url"] == portal.listing_url(site.key)
    assert crawler.documents(site.key) == {}
