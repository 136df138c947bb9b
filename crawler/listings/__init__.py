"""Listing adapters, one per CMS family, chosen by the seed's `cms` or detected."""

from crawler.listings.base import Follow, ListedItem, ListingPage, ListingResult
from crawler.listings.detect import adapter_for, detect_cms

__all__ = ["Follow", "ListedItem", "ListingPage", "ListingResult", "adapter_for", "detect_cms"]
