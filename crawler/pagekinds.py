"""Recognising responses that are not documents: soft 404s and anti-bot walls.

Patterns are data; the crawler consults them before anything reaches extraction.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

SOFT_404 = re.compile(
    r"页面不存在|您访问的页面不存在|页面已删除|该页面已被删除|信息已删除|文章不存在|"
    r"页面找不到|找不到该页面|404\s*Not\s*Found|您要访问的页面不存在|页面未找到"
)
# 瑞数 (Ruishu): a $_ts bootstrap and r='m' scripts; 加速乐: __jsl_clearance cookies; WAFs.
ANTIBOT = re.compile(
    r"\$_ts\s*=|<script[^>]*\br=['\"]m['\"]|__jsl_clearance|document\.cookie\s*=\s*['\"]"
    r"(?:C3VK|__jsl)|waf\.[a-z]+\.com|WAF拦截|安全防护|访问被拦截|请求被拒绝|Access Denied"
    r"|您的访问被拒绝|疑似攻击"
)
ANTIBOT_STATUSES = (412, 521)


def looks_soft_404(text: str) -> bool:
    """A 200 page that says the page doesn't exist; only short pages count.

    >>> looks_soft_404("<h2>您访问的页面不存在或已删除！</h2>")
    True
    >>> looks_soft_404("<p>正文……</p>" * 2000 + "页面不存在")
    False
    """
    return len(text) < 20000 and bool(SOFT_404.search(text))


def antibot_signature(status: int, text: str) -> str | None:
    """What marks a response as an anti-bot wall, or None.

    >>> antibot_signature(412, "<script>$_ts=window['$_ts'];</script>")
    'HTTP 412 with a Ruishu ($_ts) JavaScript challenge'
    >>> antibot_signature(200, "<p>正文</p>") is None
    True
    """
    if "$_ts" in text or re.search(r"<script[^>]*\br=['\"]m['\"]", text):
        what = "a Ruishu ($_ts) JavaScript challenge"
    elif "__jsl" in text:
        what = "a 加速乐 (JSL) cookie challenge"
    elif ANTIBOT.search(text):
        what = "a WAF block page"
    else:
        what = None
    if status in ANTIBOT_STATUSES:
        return f"HTTP {status} with {what}" if what else f"HTTP {status} (anti-bot status)"
    if status in (403, 200) and what and len(text) < 50000:
        return f"HTTP {status} with {what}"
    return None


def is_home_redirect(original: str, final: str) -> bool:
    """A detail URL that redirected to the site's front page: a withdrawn page.

    >>> is_home_redirect("http://a.gov.cn/art/1.html", "http://a.gov.cn/")
    True
    >>> is_home_redirect("http://a.gov.cn/art/1.html", "http://a.gov.cn/art/1.html")
    False
    """
    if original == final:
        return False
    path = urlsplit(final).path
    return path in ("", "/") or bool(
        re.fullmatch(r"/(index|default)\.(s?html?|jsp|aspx?|php)", path)
    )
