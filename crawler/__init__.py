"""The Scrapy project: seeds, listing adapters, extraction and the archive pipeline."""
