"""Government page chrome, as data: elements to skip and lines to drop.

Two layers. Elements (QR blocks, share bars, hidden copies) are skipped while the body is rendered.
Lines that survive (a widget row pasted into the container, the residue of a fallback extractor)
are dropped by the patterns below. A body's own lines (文号, 签发人, 市政府：, headings, signature,
date) match none of them.
"""

from __future__ import annotations

import re

# --- elements ---------------------------------------------------------------------------------

# Class tokens and ids of widgets that sit inside or beside content containers (§8 of
# docs/cms-patterns.md): QR codes, share bars, print/close buttons, font-size switches.
SKIP_IDS = frozenset(
    {"div_div", "qr_container", "qrcode", "qrcodeCanvas", "shareOnMobile", "share"}
)
SKIP_CLASSES = frozenset(
    {
        "bdsharebuttonbox",
        "share",
        "share_box",
        "share-box",
        "m-share",
        "article_qrcode",
        "article_qrcode_area",
        "affairs-detail-qcode",
        "printer",
        "changeSize",
        "fontS",
    }
)
HIDDEN_CLASSES = frozenset({"ng-hide", "hide", "hidden", "none", "display-none"})
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)

# The same, as XPath for trafilatura's prune_xpath on the fallback path.
PRUNE_XPATHS: tuple[str, ...] = (
    *(f"//*[@id='{i}']" for i in sorted(SKIP_IDS)),
    *(
        f"//*[contains(concat(' ', normalize-space(@class), ' '), ' {c} ')]"
        for c in sorted(SKIP_CLASSES)
    ),
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' ng-hide ')]",
    "//*[contains(translate(@style, ' ', ''), 'display:none')]",
)

# --- lines ------------------------------------------------------------------------------------

# Widget words. A line made only of these is chrome if it holds a strong one ("分享 微信",
# "【字体：大 中 小】"), or if it sits next to chrome ("头条", "页面" beside "配色").
STRONG_TOKENS: tuple[str, ...] = (
    "字体", "字号", "打印本页", "打印正文", "打印此页", "打印", "关闭窗口", "关闭本页", "关闭",
    "分享到", "分享", "用户登录", "配色", "辅助线", "重置", "退出长者模式", "长者模式",
    "无障碍浏览", "无障碍", "我要纠错", "纠错", "返回顶部", "加入收藏", "收藏", "QQ空间",
    "新浪微博", "腾讯微博", "切換到繁體", "切换到繁体", "邮箱登录", "个人中心", "网站地图",
    "联系我们", "关于我们", "网站声明", "安全隐私", "版权保护", "使用帮助", "隐私保护", "法律声明",
    "全文检索", "复制链接", "登录", "注册",
)  # fmt: skip
WEAK_TOKENS: tuple[str, ...] = (
    "大", "中", "小", "默认", "超大", "放大", "缩小", "正常", "简体", "繁体", "简", "繁", "EN",
    "English", "微信", "微博", "头条", "空间", "QQ", "qq", "好友", "朋友圈", "豆瓣", "页面",
    "首页", "更多", "返回", "顶部", "政府信息公开", "×", "X", "x",
)  # fmt: skip
_TOKEN_SEPARATORS = r"[\s【】\[\]［］()（）:：|丨/、,，·•>＞]+"
_STRONG = re.compile("|".join(map(re.escape, STRONG_TOKENS)))
_WIDGET_LINE = re.compile(
    rf"(?:{_TOKEN_SEPARATORS})?"
    rf"(?:(?:{'|'.join(map(re.escape, (*STRONG_TOKENS, *WEAK_TOKENS)))})(?:{_TOKEN_SEPARATORS})?)+"
)

# (pattern, longest line it may drop). Searched, not matched, unless anchored with ^.
CHROME_PATTERNS: tuple[tuple[re.Pattern[str], int], ...] = tuple(
    (re.compile(pattern), limit)
    for pattern, limit in (
        (r"扫一扫|扫描二维码|手机扫码|微信扫码", 60),
        (r"Produced\s+By|大汉版通|大汉网络", 80),
        (r"网站标识码|ICP备|ICP证|公网安备|版权所有|Copyright|©|政府网站找错|jiucuo", 160),
        (
            r"^(?:主办单位|承办单位|协办单位|主办|运营维护|运行维护单位|技术支持|维护单位)\s*[:：]",
            160,
        ),
        (r"最佳浏览效果|浏览效果最佳|分辨率", 160),
        (r"^(?:当前位置|您的位置|您现在的位置|您当前的位置|所在位置)\s*[:：]", 200),
        (r"^首页\s*[>＞»›]", 160),
        (r"^[>＞»›]", 40),
        (
            r"^(?:发布日期|发布时间|发表时间|更新时间|信息来源|文章来源|来源|浏览次数|点击次数|点击数"
            r"|阅读次数|浏览量|访问量|文章类型)\s*[:：]",
            100,
        ),
        # ISO date-time lines are page furniture; a body writes 2024年2月2日.
        (
            r"^(?:日期|时间)\s*[:：]\s*\d{4}-\d{1,2}-\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?(?:\s|$)",
            80,
        ),
        (r"^\d{4}-\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*$|\s*(?:来源|浏览|发布))", 100),
        (r"^(?:热门搜索|搜索)\s*[:：]", 100),
        (r"^(?:上一篇|下一篇)\s*[:：]?", 100),
        (
            r"^(?:文件下载|附件下载|相关附件|相关链接|相关稿件|相关文章|相关阅读|附件列表)\s*[:：]?$",
            20,
        ),
    )
)

# Disclosure-table labels (§5): a line that opens with one is the table, not the body.
TABLE_LABEL_LINE = re.compile(
    r"^(?:索\s*引\s*号|文\s*号|发文字号|发布机构|发文机关|生效日期|废止日期|所属主题|主题分类|成文日期"
    r"|组配分类|有\s*效\s*性|体裁分类|公开方式|公开范围|统一编号|信息分类|发文日期)\s*[:：]?"
)
TABLE_LINE_LIMIT = 120
# After a bare label cell ("索引号："), the next short line is its value.
TABLE_VALUE_LIMIT = 40


def is_widget_line(line: str) -> bool:
    """True for a line made only of widget words.

    >>> is_widget_line("【字体：大 中 小】"), is_widget_line("分享 微信"), is_widget_line("头条")
    (True, True, True)
    >>> is_widget_line("打印机采购项目")
    False
    """
    return _WIDGET_LINE.fullmatch(line) is not None


def is_chrome_line(line: str) -> bool:
    """True for a line that is page chrome on its own, whatever its neighbours.

    >>> is_chrome_line("【打印正文】 【字体:")
    True
    >>> is_chrome_line("Produced By 大汉网络 大汉版通发布系统")
    True
    >>> is_chrome_line("当前位置:首页 > 广西民政“十四五”规划解读(已归档)")
    True
    >>> is_chrome_line("兰民字〔2024〕8号             签发人:颜烨鲁"), is_chrome_line("市政府:")
    (False, False)
    >>> is_chrome_line("头条"), is_chrome_line("2024年2月2日")
    (False, False)
    """
    if is_widget_line(line):
        return _STRONG.search(line) is not None
    for pattern, limit in CHROME_PATTERNS:
        if len(line) <= limit and pattern.search(line):
            return True
    return len(line) <= TABLE_LINE_LIMIT and TABLE_LABEL_LINE.match(line) is not None


def clean_lines(lines: list[str]) -> list[str]:
    """Drop chrome lines, widget words next to chrome, and disclosure-table values.

    >>> clean_lines(["分享 微信", "头条", "微博 空间 qq", "市政府：", "正文。", "关闭"])
    ['市政府：', '正文。']
    >>> clean_lines(["索引号：", "jz-mzj-2022-00068", "正文。"])
    ['正文。']
    """
    chrome = [is_chrome_line(line) for line in lines]
    widget = [is_widget_line(line) for line in lines]
    for i, line in enumerate(lines):
        label = TABLE_LABEL_LINE.fullmatch(line)
        if chrome[i] and label and i + 1 < len(lines) and len(lines[i + 1]) <= TABLE_VALUE_LIMIT:
            chrome[i + 1] = True
    # Weak widget words spread from chrome to chrome, in both directions.
    changed = True
    while changed:
        changed = False
        for i in range(len(lines)):
            if chrome[i] or not widget[i]:
                continue
            if (i > 0 and chrome[i - 1]) or (i + 1 < len(lines) and chrome[i + 1]):
                chrome[i] = changed = True
    return [line for line, drop in zip(lines, chrome, strict=True) if not drop]
