"""Prometheus metrics of one app: request latency per route template, and platform gauges
(outbox depth, circuit breakers, active users, today's analytics counts) read when scraped."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from feedcore import Platform
from feedcore.ports import METRICS

from .runtime import PlatformHolder

__all__ = ["Metrics"]

log = logging.getLogger("feedcore.http")

_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1.0, 2.5, 5.0)


def _analytics(platform: Platform) -> Iterator[Metric]:
    """Active users (today, 7 days, 30 days) and today's counts, from the analytics rollups."""
    try:
        active, today = platform.analytics.live()
    except Exception as exc:  # a scrape reports what it can
        log.warning("analytics unavailable: %s", exc)
        return
    users = GaugeMetricFamily("feedcore_active_users", "Distinct active users, by window.", labels=["window"])
    for window, count in (("day", active.day), ("week", active.week), ("month", active.month)):
        users.add_metric([window], count)
    yield users
    counts = GaugeMetricFamily("feedcore_today", "What happened today (UTC), by what.", labels=["what"])
    for what in METRICS:
        counts.add_metric([what], getattr(today, what))
    yield counts


class _PlatformCollector(Collector):
    def __init__(self, holder: PlatformHolder) -> None:
        self._holder = holder

    def describe(self) -> list[Metric]:
        return []  # nothing is read at registration; collect() runs at scrape time

    def collect(self) -> Iterator[Metric]:
        platform = self._holder.get()
        try:
            pending = platform.outbox_pending()
        except Exception as exc:  # a scrape reports what it can
            log.warning("outbox depth unavailable: %s", exc)
        else:
            yield GaugeMetricFamily(
                "feedcore_outbox_pending", "Events waiting in the outbox to be relayed.", value=pending
            )
        breakers = GaugeMetricFamily(
            "feedcore_circuit_open", "1 while a backend's circuit breaker is open.", labels=["backend"]
        )
        for backend, is_open in platform.open_circuits().items():
            breakers.add_metric([backend], 1.0 if is_open else 0.0)
        yield breakers
        yield from _analytics(platform)
        counters = platform.counters()
        hits, misses = counters.get("timeline_hits", 0), counters.get("timeline_misses", 0)
        timelines = CounterMetricFamily(
            "feedcore_timeline_reads", "Timeline cache reads in this process, by outcome.", labels=["outcome"]
        )
        timelines.add_metric(["hit"], hits)
        timelines.add_metric(["miss"], misses)
        yield timelines
        yield GaugeMetricFamily(
            "feedcore_feed_cache_hit_ratio",
            "Share of timeline reads answered by the cache (rebuilt from the store otherwise).",
            value=hits / (hits + misses) if hits + misses else 1.0,
        )
        yield CounterMetricFamily(
            "feedcore_fanout_feeds_written",
            "Home feeds a new post was pushed into.",
            value=counters.get("fanout_feeds_written", 0),
        )
        lag = platform.gauges().get("fanout_lag_seconds")
        if lag is not None:
            yield GaugeMetricFamily(
                "feedcore_fanout_lag_seconds", "Age of the newest post when this process fanned it out.", value=lag
            )


class Metrics:
    """One registry per app, so several apps (tests) do not collide in the global one."""

    def __init__(self, holder: PlatformHolder) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.latency = Histogram(
            "feedcore_http_request_duration_seconds",
            "HTTP request latency by route template.",
            ["method", "route", "status"],
            buckets=_BUCKETS,
            registry=self.registry,
        )
        self.feed_reads = Counter(
            "feedcore_feed_reads",
            "Feed pages served, by whether a backend was skipped (degraded).",
            ["degraded"],
            registry=self.registry,
        )
        self.registry.register(_PlatformCollector(holder))

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.latency.labels(method, route, str(status)).observe(seconds)

    def render(self) -> bytes:
        """The exposition text (blocking: it reads the outbox depth)."""
        return generate_latest(self.registry)
