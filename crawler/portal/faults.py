"""Faults the portal can inject on a path, so that tests meet what real sites do to crawlers.

A fault replaces (or spoils) the reply the site would have sent. Kinds:

    status          answer `status` (e.g. 500, 503) with a short error page
    slow            wait `seconds` (outside the portal lock), then answer normally
    hang-up         close the connection without answering
    truncate        send half the normal body under the full Content-Length, then hang up
    no-length       the normal reply without Content-Length, ended by closing the connection
    empty           200 with an empty body
    malformed       200 text/html whose bytes are not HTML at all
    huge            200 with a body of `size` bytes of real-looking HTML (`no_length`: sent
                    without Content-Length, so only counting the bytes can catch it)
    redirect-loop   302 to the same path with a counter, forever
    redirect-self   302 to exactly the same URL
    ruishu          HTTP 412 with a 瑞数 (Ruishu) $_ts bootstrap page
    js-challenge    HTTP 403 with a cookie-setting JavaScript challenge
    waf             HTTP 403 with a WAF block page (访问被拦截)
    soft404         200 with a Chinese "page does not exist" page

`times` limits a fault to its first N requests (a flaky server), None keeps it for good.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crawler.portal.site import Reply

FAULT_KINDS = (
    "status",
    "slow",
    "hang-up",
    "truncate",
    "no-length",
    "empty",
    "malformed",
    "huge",
    "redirect-loop",
    "redirect-self",
    "ruishu",
    "js-challenge",
    "waf",
    "soft404",
)

RUISHU_412 = """<!DOCTYPE html><html><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta id="9DhefwqGPrzGxEp9hPaoag" content="LW4`14_1;@1D)1;Z1Ak1=(12}1871:H1">
<script type="text/javascript" r='m'>$_ts=window['$_ts'];if(!$_ts)$_ts={};
$_ts.nsd=18426;$_ts.cd="qEcmrrAlEG3xcGAlDqAtcGVqqq";</script>
<script type="text/javascript" src="/4QbVtADbnLVIc/d.FxJzG50F.6152bb9.js" r='m'></script>
</head><body></body></html>"""

JS_CHALLENGE_403 = """<html><head><meta charset="utf-8"><title>安全验证</title></head><body>
<script>var t="a8f3c1";document.cookie="__wsc_token="+t+"; path=/; max-age=300";
setTimeout(function(){location.reload();},200);</script>
<noscript>请开启JavaScript后访问本站</noscript></body></html>"""

WAF_403 = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>访问被拦截</title></head>
<body><div class="box"><h1>您的访问被拦截</h1>
<p>您的请求疑似攻击行为，已被网站安全防护系统拦截。</p>
<p>事件ID：20250601-7f3a9c　如有疑问请联系网站管理员。</p></div></body></html>"""

SOFT_404 = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>页面不存在</title></head>
<body><div class="error"><h2>{message}</h2>
<p><a href="/">返回首页</a></p></div></body></html>"""

# Bytes that no decoder turns into an HTML document: NULs and a JPEG-like header.
MALFORMED = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" * 40


@dataclass
class Fault:
    """A fault armed on a site path; mutable because it counts its own uses."""

    kind: str
    status: int = 500
    seconds: float = 5.0
    size: int = 1_000_000
    message: str = "您访问的页面不存在或已删除！"
    no_length: bool = False
    times: int | None = None
    used: int = 0

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {self.kind!r}; use one of {', '.join(FAULT_KINDS)}")

    def armed(self) -> bool:
        return self.times is None or self.used < self.times


def _html(status: int, text: str) -> Reply:
    from crawler.portal.site import Reply

    return Reply(status, text.encode("utf-8"), {"Content-Type": "text/html; charset=utf-8"})


def huge_body(size: int) -> bytes:
    """About `size` bytes of plausible article HTML."""
    para = "<p>本机关依法推进政府信息公开工作，主动公开各类政府信息。</p>\n".encode()
    head = b'<html><head><meta charset="utf-8"><title>big</title></head><body><div id="zoom">'
    count = max(1, (size - len(head)) // len(para) + 1)
    return head + para * count + b"</div></body></html>"


def fault_reply(fault: Fault, *, normal: Reply, path: str) -> Reply:
    """The reply a fault sends instead of (or made out of) the normal one."""
    from crawler.portal.site import Reply

    kind = fault.kind
    if kind == "status":
        return _html(
            fault.status, f"<html><body><h1>{fault.status} Server Error</h1></body></html>"
        )
    if kind == "slow":
        normal.delay = fault.seconds
        return normal
    if kind == "hang-up":
        return Reply(200, hang_up=True)
    if kind == "truncate":
        normal.truncate_to = max(1, len(normal.body) // 2)
        return normal
    if kind == "no-length":
        normal.no_length = True
        return normal
    if kind == "empty":
        return Reply(200, b"", {"Content-Type": "text/html; charset=utf-8"})
    if kind == "malformed":
        return Reply(200, MALFORMED, {"Content-Type": "text/html"})
    if kind == "huge":
        return Reply(
            200,
            huge_body(fault.size),
            {"Content-Type": "text/html; charset=utf-8"},
            no_length=fault.no_length,
        )
    if kind == "redirect-loop":
        return Reply(302, b"", {"Location": f"{path}?loop={fault.used}"})
    if kind == "redirect-self":
        return Reply(302, b"", {"Location": path})
    if kind == "ruishu":
        return _html(412, RUISHU_412)
    if kind == "js-challenge":
        return _html(403, JS_CHALLENGE_403)
    if kind == "waf":
        return _html(403, WAF_403)
    return _html(200, SOFT_404.format(message=fault.message))
