"""Where each CMS family keeps the report body, as data (see docs/extraction.md).

Selectors are absolute XPath: gov.cn pages carry a stray ``</html>`` that leaves the body outside
the first ``<html>`` subtree, where relative CSS lookups miss it.
"""

from __future__ import annotations

from collections.abc import Iterator

# Family -> content containers, most specific first. Sources: docs/cms-patterns.md §1.4, §2.1, §3,
# §4 and the shared corpus.
CONTAINERS: dict[str, tuple[str, ...]] = {
    "hanweb": (
        "//div[@id='zoom']",
        "//div[contains(concat(' ', normalize-space(@class), ' '), ' zoom ')]",
        "//div[contains(@class, 'bt-content')]",
        "//div[contains(@class, 'con_text')]",
    ),
    "trs": (
        "//div[@id='dochtmlcon']//div[contains(@class, 'TRS_Editor')]",
        "//div[contains(@class, 'TRS_Editor')]",
        "//div[contains(@class, 'TRS_UEDITOR')]",
        "//div[contains(@class, 'trs_editor_view')]",
        "//div[@id='ivs_content']",
    ),
    "govcn": ("//div[@id='UCAP-CONTENT']",),
    "fujian": ("//div[contains(@class, 'article_area')]/div[contains(@class, 'article_content')]",),
    "gansu": ("//div[@id='detailContent']",),
    "nfra": ("//div[contains(@class, 'wenzhang-content')]",),
    "generic": (
        "//div[contains(@class, 'article-body')]",
        "//div[contains(@class, 'Article_content')]",
    ),
}

# The order families are tried in; a hint moves its own families to the front.
FAMILY_ORDER: tuple[str, ...] = ("hanweb", "trs", "govcn", "fujian", "gansu", "nfra", "generic")

# A seed's `cms` value -> the families it implies (the 集约化 platforms run on TRS).
HINT_FAMILIES: dict[str, tuple[str, ...]] = {
    "hanweb": ("hanweb",),
    "trs": ("trs", "govcn", "fujian", "gansu"),
    "generic": ("generic",),
}


def iter_container_selectors(cms: str | None = None) -> Iterator[str]:
    """Every container selector, the hinted family's first.

    >>> next(iter_container_selectors("trs"))
    "//div[@id='dochtmlcon']//div[contains(@class, 'TRS_Editor')]"
    >>> len(set(iter_container_selectors())) == sum(map(len, CONTAINERS.values()))
    True
    """
    first = HINT_FAMILIES.get(cms or "", ())
    for family in (*first, *(f for f in FAMILY_ORDER if f not in first)):
        yield from CONTAINERS[family]
