"""Listing adapters, one per CMS family, chosen by the seed's `cms` or detected, and the
recognition of listing shells (items loaded by script)."""

from crawler.listings.base import Follow, ListedItem, ListingPage, ListingResult
from crawler.listings.detect import adapter_for, detect_cms
from crawler.listings.shells import shell_reason

__all__ = [
    "Follow",
    "ListedItem",
    "ListingPage",
    "ListingResult",
    "adapter_for",
    "detect_cms",
    "shell_reason",
]
