"""Report extraction: decode a page, find its body, read its disclosure metadata.

See docs/extraction.md for the rules and the benchmark.
"""

from crawler.extract.attachments import Attachment
from crawler.extract.decode import decode_html
from crawler.extract.extraction import Extraction, extract_report

__all__ = ["Attachment", "Extraction", "decode_html", "extract_report"]
