"""The worker pool: extraction in processes gives what extraction gives inline, the pool
starts only after the inline allowance, and work then leaves this process."""

from __future__ import annotations

import asyncio
import os

from crawler.attachments import read_attachment
from crawler.extract import decode_html, extract_report
from crawler.portal.server import build_sites
from crawler.workers import WorkerPool, work_page


def portal_report() -> tuple[str, bytes]:
    site = next(s for s in build_sites() if s.key == "lanzhou-mzj")
    page = site.page("report")
    return site.detail_path(page), site.encode(site.render_detail(page))


def test_work_page_matches_extraction() -> None:
    path, body = portal_report()
    work = work_page(
        body=body, content_type="text/html; charset=utf-8", url="http://x" + path, cms="hanweb"
    )
    expected = extract_report(decode_html(body)[0], url="http://x" + path, cms="hanweb")
    assert work.extraction == expected
    assert work.shell is None


def test_an_empty_page_says_where_its_text_would_come_from() -> None:
    shell = b"<html><body><div id='app'><p v-for='x in list'>{{x}}</p></div><script>" \
        b"axios.get('/api/article/detail?id=7')</script></body></html>"  # fmt: skip
    work = work_page(body=shell, content_type=None, url="http://x/a.html", cms=None)
    assert work.shell is not None and "/api/article/detail" in work.shell
    assert not work.extraction.text.strip() or work.shell  # the pipeline archives nothing


def test_work_runs_inline_at_first_then_in_other_processes() -> None:
    pool = WorkerPool(1, inline_first=2)

    async def pids(n: int) -> list[int]:
        return [await pool._run(os.getpid) for _ in range(n)]

    try:
        assert asyncio.run(pids(2)) == [os.getpid()] * 2  # the inline allowance
        assert not pool.started
        (pid,) = asyncio.run(pids(1))  # the third piece of work starts the pool, and waits
        assert pool.started and pool.up
        assert pid != os.getpid()
        path, body = portal_report()
        work = asyncio.run(pool.page(body=body, content_type=None, url="http://x" + path, cms=None))
        assert "兰州市民政局" in work.extraction.text and work.shell is None
        pdf = next(s for s in build_sites() if s.key == "gx-mzt").page("report").attachments[1]
        read = asyncio.run(pool.attachment(data=pdf.data, url="http://x/rwfg.pdf"))
        assert read == read_attachment(pdf.data, url="http://x/rwfg.pdf")
    finally:
        pool.close()


def test_no_workers_means_all_inline() -> None:
    pool = WorkerPool(0, inline_first=0)
    assert asyncio.run(pool._run(os.getpid)) == os.getpid()
    assert not pool.started
    pool.close()
