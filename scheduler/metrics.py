"""Prometheus metrics of the scheduler, served on loopback with --metrics-port.

The metrics live in the service's own registry (not prometheus_client's global one), so a
test or a second service in the same process starts from zero.
"""

from __future__ import annotations

import datetime as dt
from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

METRICS_HOST = "127.0.0.1"
# From a quick local crawl to the 2 h default timeout and beyond.
DURATION_BUCKETS = (1, 5, 15, 30, 60, 300, 900, 1800, 3600, 7200, 14400)


class SchedulerMetrics:
    """Counters and gauges the service updates as runs start and finish."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.runs = Counter(
            "gongkai_runs",
            "Crawl runs finished, by source and status.",
            ["source", "status"],
            registry=r,
        )
        self.timeouts = Counter(
            "gongkai_run_timeouts",
            "Runs killed for running past their timeout.",
            ["source"],
            registry=r,
        )
        self.documents = Counter(
            "gongkai_documents_archived", "New documents archived.", ["source"], registry=r
        )
        self.versions = Counter(
            "gongkai_versions_archived",
            "Versions archived: first versions of new documents plus new versions of changed ones.",
            ["source"],
            registry=r,
        )
        self.last_success = Gauge(
            "gongkai_last_success_timestamp_seconds",
            "When the source's last successful run finished (Unix time).",
            ["source"],
            registry=r,
        )
        self.duration = Histogram(
            "gongkai_run_duration_seconds",
            "Wall time of crawl runs, child process start to exit.",
            buckets=DURATION_BUCKETS,
            registry=r,
        )
        self.running = Gauge("gongkai_crawls_running", "Crawl processes running now.", registry=r)
        self.scheduled = Gauge(
            "gongkai_sources_scheduled", "Sources with a job in the scheduler.", registry=r
        )
        self.seed_problems = Gauge(
            "gongkai_seed_problems",
            "Seed files that failed validation at the last scan.",
            registry=r,
        )

    def record_run(
        self,
        source_id: str,
        *,
        status: str,
        new_documents: int,
        new_versions: int,
        finished_at: dt.datetime | None,
        duration_s: float,
        timed_out: bool,
    ) -> None:
        """Count a finished run."""
        self.runs.labels(source_id, status).inc()
        self.documents.labels(source_id).inc(new_documents)
        self.versions.labels(source_id).inc(new_documents + new_versions)
        self.duration.observe(duration_s)
        if timed_out:
            self.timeouts.labels(source_id).inc()
        if status == "ok" and finished_at is not None:
            self.last_success.labels(source_id).set(finished_at.timestamp())

    def serve(self, port: int) -> WSGIServer:
        """Serve /metrics on 127.0.0.1:port (0 picks a free port); returns the server."""
        server, _thread = start_http_server(port, addr=METRICS_HOST, registry=self.registry)
        return server
