"""Scrapy settings of the gongkai project (scrapy.cfg points here).

Politeness defaults follow the seed contract: a seed's delay, concurrency, robots and size
cap override these per source (see ReportSpider.from_crawler).
"""

from __future__ import annotations

import os

from archive.leases import HEARTBEAT

BOT_NAME = "gongkai"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = (
    "gongkai/0.1 (+https://github.com/gongkai-archive/gongkai; "
    "archiving government information-disclosure reports)"
)
ROBOTSTXT_OBEY = True
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5  # ±50% around the delay, so requests don't beat in step
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 50 * 1024 * 1024
DOWNLOAD_WARNSIZE = 10 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_GIVE_UP_LOG_LEVEL = "INFO"  # the spider records the failure on the run, with its URL
# Retries wait 2 s, 4 s, 8 s, … (at most 60 s) before trying again; see crawler.middlewares.
GONGKAI_RETRY_BACKOFF = 2.0
GONGKAI_RETRY_BACKOFF_MAX = 60.0
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.HaltWhenBlockedMiddleware": 50,  # before robots.txt and the rest
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
}
REDIRECT_MAX_TIMES = 5
COOKIES_ENABLED = True  # some WAFs (Openresty CT6T) set a cookie and expect it back
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # a crawler of government sites opens no listening port
# Scrapy re-parses a generator callback's source on every response to lint it (its cache
# holds bound methods weakly): a millisecond and a half per page, for a development check.
WARN_ON_GENERATOR_RETURN_VALUE = False
HTTPCACHE_ENABLED = False
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
# Extraction runs in worker processes awaited from the asyncio loop (crawler.workers):
# GONGKAI_WORKERS of them (-1: one per CPU; 0: none, all inline), started once
# GONGKAI_INLINE_FIRST pages have been extracted inline.
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
GONGKAI_WORKERS = -1
GONGKAI_INLINE_FIRST = 20
GONGKAI_SIGHTING_BATCH = 200  # unchanged pages whose sightings are written together
# seconds between renewals of a run's claim on its source (archive.leases)
GONGKAI_HEARTBEAT = HEARTBEAT.total_seconds()

ITEM_PIPELINES = {"crawler.pipelines.ArchivePipeline": 300}

# Where gongkai keeps its archive and finds its seeds (also used by `scrapy crawl`).
GONGKAI_DB = os.environ.get("GONGKAI_DB", "sqlite:///gongkai.db")
GONGKAI_SEEDS = os.environ.get("GONGKAI_SEEDS", "seeds")
