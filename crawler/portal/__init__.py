"""A local government portal, shaped like the real CMS families, for the demo and the tests."""

from crawler.portal.catalogue import PortalFile, PortalPage
from crawler.portal.server import Portal, build_sites

__all__ = ["Portal", "PortalFile", "PortalPage", "build_sites"]
