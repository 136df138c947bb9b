"""Which CMS family rendered a listing page, from the page's own markers."""

from __future__ import annotations

import re

from crawler.listings.base import ListingAdapter
from crawler.listings.generic import GenericListing
from crawler.listings.hanweb import HanwebListing
from crawler.listings.trs import TrsListing

HANWEB_MARKERS = re.compile(
    r"dataproxy\.jsp|<datastore>|大汉版通|/module/web/jpage/|/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+"
)
TRS_MARKERS = re.compile(r"createPageHTML\s*\(|TRS_Editor|\bt\d{8}_\d+\.s?html?")

ADAPTERS: dict[str, ListingAdapter] = {
    "hanweb": HanwebListing(),
    "trs": TrsListing(),
    "generic": GenericListing(),
}


def detect_cms(text: str) -> str:
    """hanweb, trs or generic.

    >>> detect_cms('<script src="/module/web/jpage/dataproxy.jsp"></script>')
    'hanweb'
    >>> detect_cms('<script>createPageHTML(3, 0, "index", "html");</script>')
    'trs'
    >>> detect_cms("<ul><li><a href='/a/1.html'>x</a></li></ul>")
    'generic'
    """
    if HANWEB_MARKERS.search(text):
        return "hanweb"
    if TRS_MARKERS.search(text):
        return "trs"
    return "generic"


def adapter_for(cms: str) -> ListingAdapter:
    return ADAPTERS[cms]
