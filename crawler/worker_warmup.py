"""Imported by the forkserver before it forks extraction workers (see crawler.workers): loads
jieba's dictionary and extraction's lazy data once, so that every worker starts warm instead
of spending its first second of CPU on it."""

from crawler.workers import warm_up

warm_up()
