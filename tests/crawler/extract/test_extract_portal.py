"""The local test portal's pages (realistic Hanweb/TRS/generic chrome around the seed reports)."""

from __future__ import annotations

import pytest

from crawler.extract import extract_report
from crawler.portal import build_sites

PAGES = [(site, page) for site in build_sites() for page in site.pages]


@pytest.mark.parametrize(("site", "page"), PAGES, ids=[f"{s.key}/{p.key}" for s, p in PAGES])
def test_portal_page(site, page) -> None:
    html = site.render_detail(page)
    result = extract_report(html, url=f"http://127.0.0.1:8000{site.detail_path(page)}")
    squash = "".join
    assert [squash(line.split()) for line in result.text.splitlines()] == [
        squash(p.split()) for p in page.paragraphs
    ]
    for field in ("title", "published", "doc_number", "index_number", "publisher", "written"):
        if getattr(page, field) is not None:
            assert getattr(result, field) == getattr(page, field), field
    if page.report_kind:
        assert (result.report_kind, result.report_year) == (page.report_kind, page.report_year)
    assert {a.url.rsplit("/", 1)[-1] for a in result.attachments} >= {
        f.filename for f in page.attachments
    }
