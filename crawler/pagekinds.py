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
SOFT_404_MAX_TEXT = 20000  # characters; a real article that mentions 页面不存在 is longer


def looks_soft_404(text: str) -> bool:
    """A 200 page that says the page doesn't exist; only short pages count.

    >>> looks_soft_404("<h2>您访问的页面不存在或已删除！</h2>")
    True
    >>> looks_soft_404("<p>正文……</p>" * 2000 + "页面不存在")
    False
    """
    return len(text) < SOFT_404_MAX_TEXT and bool(SOFT_404.search(text))


# 瑞数 (Ruishu): a $_ts bootstrap and r='m' scripts. 加速乐: __jsl cookies. A JS challenge:
# a script that sets a cookie and reloads. WAFs: their block-page wording.
RUISHU = re.compile(r"\$_ts\s*=|<script[^>]*\br=['\"]m['\"]")
JSL = re.compile(r"__jsl(?:uid|_clearance)|go\(\{\s*['\"]?bts")
JS_CHALLENGE = re.compile(
    r"document\.cookie\s*=.{0,400}?(?:location\.(?:reload|href|replace)|window\.location)", re.S
)
WAF = re.compile(
    r"WAF拦截|网站防火墙|安全防护系统|访问被拦截|您的访问被拒绝|请求被拒绝|疑似攻击|"
    r"Access Denied|Request Rejected|waf\.[a-z]+\.com|安全狗|云锁|创宇盾"
)
ANTIBOT_STATUSES = (412, 521)
# A page shorter than this (visible characters) that carries a challenge is only a wall.
WALL_TEXT = {200: 100, 202: 100, 204: 100}
WALL_TEXT_ERROR = 2000  # on 403, 405, 429, 503
_INVISIBLE = re.compile(r"(?is)<(script|style|template|noscript)\b.*?</\1>|<!--.*?-->")
_TAG = re.compile(r"(?s)<[^>]+>")


def visible_length(text: str) -> int:
    """How many non-space characters a reader would see on the page.

    >>> visible_length("<html><script>var a = 1;</script><p>正 文</p><!-- x --></html>")
    2
    """
    bare = _TAG.sub("", _INVISIBLE.sub("", text))
    return len("".join(bare.split()))


def challenge_kind(text: str) -> str | None:
    """Which anti-bot mechanism a page carries, if any."""
    if RUISHU.search(text):
        return "a Ruishu ($_ts) JavaScript challenge"
    if JSL.search(text):
        return "a 加速乐 (JSL) cookie challenge"
    if JS_CHALLENGE.search(text):
        return "a JavaScript cookie challenge"
    if WAF.search(text):
        return "a WAF block page"
    return None


# On a 200, the markers of a wall stand in its head (Ruishu's $_ts, cookie scripts) or in its
# short body; a long page is looked at only there, so that real pages cost a fraction.
LONG_PAGE = 20_000
HEAD_WINDOW, TAIL_WINDOW = 8192, 4096


def antibot_signature(status: int, text: str) -> str | None:
    """What marks a response as an anti-bot wall, or None.

    Ruishu-protected sites keep their markers on every real page too, so on a 200 only a
    page with next to nothing else on it is a wall.

    >>> antibot_signature(412, "<script>$_ts=window['$_ts'];</script>")
    'HTTP 412 with a Ruishu ($_ts) JavaScript challenge'
    >>> antibot_signature(403, "<h1>您的访问被拦截</h1>")
    'HTTP 403 with a WAF block page'
    >>> antibot_signature(200, "<script r='m'>$_ts={};</script><p>" + "正文" * 200 + "</p>") is None
    True
    >>> antibot_signature(200, "<p>正文</p>") is None
    True
    """
    sample = text
    if status in WALL_TEXT and len(text) > LONG_PAGE:
        sample = text[:HEAD_WINDOW] + text[-TAIL_WINDOW:]
    what = challenge_kind(sample)
    if status in ANTIBOT_STATUSES:
        return f"HTTP {status} with {what}" if what else f"HTTP {status} (an anti-bot status)"
    if what is None:
        return None
    limit = WALL_TEXT.get(status, WALL_TEXT_ERROR if status in (403, 405, 429, 503) else 0)
    if visible_length(text) < limit:
        return f"HTTP {status} with {what}"
    return None


def malformed_reason(body: bytes, text: str) -> str | None:
    """Why a 200 text/html body is not an HTML page at all, or None.

    >>> malformed_reason(b"\\xff\\xd8\\x00\\x10JFIF", "\\ufffd\\ufffd\\x00\\x10JFIF")
    'the body is binary data (NUL bytes), not HTML'
    >>> malformed_reason(b"<p>x</p>", "<p>x</p>") is None
    True
    """
    if b"\x00" in body[:65536]:
        return "the body is binary data (NUL bytes), not HTML"
    head = text[:65536]
    if head and head.count("\ufffd") > max(20, len(head) // 50):
        return "the body does not decode as text in any encoding the page could be in"
    if "<" not in head:
        return "the body holds no HTML markup"
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
