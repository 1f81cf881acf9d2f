"""The reference mix over HTTP (65 feed reads per write: posts, likes, follows) against each
topology, from the out-of-process open-loop client: fixed rates, the capacity, and overload.

Per topology (see :data:`benchmarks.processes.TOPOLOGIES`): the reference rates (580 and
1,740 rps), then a search for the highest rate still meeting p99 < 200 ms with at least 99.99%
of requests answered, then twice that capacity for a while followed by half of it, to see the
excess refused at once and the platform back to normal. Post-to-feed freshness is probed
throughout, and the CPU of the machine, of the processes under test and of other work metered.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import random
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from feedcore import Platform

from .context import Ctx, result
from .datasets import Data
from .loadgen import percentiles
from .meter import CpuMeter, service_pids
from .processes import TOPOLOGIES, Running, offer, topology

SERVER_WORKERS = 2
"""Server processes in every topology: one per core here."""
P99_MS, MUST_P99_MS, P50_MS = 50.0, 200.0, 10.0
ANSWERED = 0.9999
FRESH_MS, MUST_FRESH_MS = 1000.0, 5000.0
CPU_MS = 0.8
"""Machine CPU per request that 1,740 rps on two cores at 70% busy allows."""
RECOVERY_S = 5.0
DEADLINE_S = 1.0
"""The longest a request may wait for an answer under overload (it must be refused instead)."""

Measure = Callable[[float, float], dict[str, Any]]


def mixed(ctx: Ctx) -> dict[str, Any]:
    s, data = ctx.sizes, ctx.data
    assert data is not None
    p = ctx.platform()
    templates, sequence = _mix_plan(p, data, min(20_000, int(max(s.mixed_rates) * s.mixed_seconds)))
    baseline = next((e.get("baseline_rps") for e in ctx.done if e.get("name") == "http-feed"), None)
    runs: dict[str, dict[str, Any]] = {}
    for kind in TOPOLOGIES:
        ctx.echo(f"  mixed on {kind} ...")
        _discard_outbox(p)
        try:
            runs[kind] = _on_topology(ctx, p, data, kind, templates, sequence, baseline)
        except Exception as exc:  # one topology failing must not hide the other
            runs[kind] = {"error": f"{type(exc).__name__}: {exc}"}
    measured = [r for r in runs.values() if "capacity_rps" in r]
    capacity = min((r["capacity_rps"] for r in measured), default=None)
    reference = [pt for r in measured for pt in r["points"][: len(s.mixed_rates)]]
    worst: dict[str, Any] = max(reference, key=lambda pt: pt["p99_ms"], default={})
    return result(
        "mixed",
        0.6,
        round(capacity / baseline, 3) if capacity and baseline else None,
        rps=capacity,
        p50_ms=worst.get("p50_ms"),
        p95_ms=worst.get("p95_ms"),
        p99_ms=worst.get("p99_ms"),
        cpu_s_per_op=worst["cpu_ms_per_request"] / 1000 if worst else None,
        capacity_rps=capacity,
        capacity_ratio=round(capacity / baseline, 3) if capacity and baseline else None,
        baseline_rps=baseline,
        topologies=runs,
        points=[{"topology": k, **pt} for k, r in runs.items() for pt in r.get("points", [])],
        curves={f"feedcore {k} (mix)": r.get("curve", []) for k, r in runs.items()},
        met=bool(measured) and len(measured) == len(runs) and all(all(r["met"].values()) for r in measured),
        note=(
            "HTTP to `feedctl serve` from benchmarks/loadgen.py (open loop) in its own process; ratio = the "
            "lower topology's capacity over the bare ASGI baseline's http-feed throughput"
        ),
    )


def _on_topology(
    ctx: Ctx,
    p: Platform,
    data: Data,
    kind: str,
    templates: list[dict[str, Any]],
    sequence: list[int],
    baseline: float | None,
) -> dict[str, Any]:
    s = ctx.sizes
    follower = data.active[-1]
    author = next(u for u in reversed(data.ids) if u != follower)
    env = ctx.server_env(p)
    with topology(kind, env, SERVER_WORKERS) as running:
        probe = _Probe(running.url, p.auth.issue(author).access_token, p.auth.issue(follower).access_token)
        try:
            probe.call("PUT", f"/v1/me/following/{author}", probe.reader)
            probe.call("GET", "/v1/feed?limit=5", probe.reader)  # the follower's feed is materialised
            measure = _measurer(ctx, running, probe, templates, sequence)
            offer(running.url, templates, sequence, min(s.mixed_rates), s.warmup_seconds)
            points = [measure(rate, s.mixed_seconds) for rate in s.mixed_rates]
            capacity, search = _capacity(measure, points, s.capacity_seconds, s.capacity_steps)
            overload = _overload(running, templates, sequence, capacity, s)
        finally:
            probe.close()
    reference = points[: len(s.mixed_rates)]
    met = {
        "answered": all(pt["answered_share"] >= ANSWERED for pt in reference),
        "p99": all(pt["p99_ms"] < P99_MS for pt in reference),
        "p99_must": all(pt["p99_ms"] < MUST_P99_MS for pt in reference),
        "p50": all(pt["p50_ms"] < P50_MS for pt in reference),
        "freshness": all(pt["freshness_p99_ms"] < FRESH_MS for pt in reference),
        "freshness_must": all(pt["freshness_p99_ms"] < MUST_FRESH_MS for pt in reference),
        "capacity": bool(baseline) and capacity >= 0.6 * (baseline or 0.0),
        "overload": overload["met"],
        "cpu": all(pt["cpu_ms_per_request"] <= CPU_MS for pt in reference),
    }
    return {
        "points": points,
        "capacity_rps": capacity,
        "capacity_ratio": round(capacity / baseline, 3) if baseline else None,
        "search": search,
        "overload": overload,
        "met": met,
        "curve": sorted(points + search, key=lambda pt: pt["target_rps"]),
    }


def _measurer(
    ctx: Ctx, running: Running, probe: _Probe, templates: list[dict[str, Any]], sequence: list[int]
) -> Measure:
    redis_port = int(ctx.env.redis_url.rsplit(":", 1)[1].split("/")[0])
    meter = CpuMeter(lambda: running.pids() + service_pids(redis_port))

    def measure(rate: float, seconds: float) -> dict[str, Any]:
        meter.start()
        with probe.running():
            point = offer(running.url, templates, sequence, rate, seconds)
        point["cpu"] = meter.stop()
        answered = point["ops"] - point["errors"]
        point["answered_share"] = answered / max(1, point["ops"])
        point["cpu_ms_per_request"] = round(1000 * point["cpu"]["machine_cpu_s"] / max(1, answered), 3)
        point["tested_cpu_ms_per_request"] = round(1000 * point["cpu"]["under_test_cpu_s"] / max(1, answered), 3)
        point.pop("timeline", None)
        point.update(probe.summary())
        return point

    return measure


def _ok(point: dict[str, Any]) -> bool:
    return bool(point["answered_share"] >= ANSWERED and point["p99_ms"] < MUST_P99_MS)


def _capacity(
    measure: Measure, points: list[dict[str, Any]], seconds: float, steps: int
) -> tuple[float, list[dict[str, Any]]]:
    """The highest rate meeting p99 < 200 ms with 99.99% answered: up by 30% from the best
    passing reference rate until a rate fails, then one bisection step."""
    passing = [pt["target_rps"] for pt in points if _ok(pt)]
    good, bad = (max(passing), None) if passing else (0.0, min(pt["target_rps"] for pt in points))
    search: list[dict[str, Any]] = []
    rate = good * 1.3 if good else (bad or 100.0) / 2
    for _ in range(steps):
        if bad is not None and good and bad / good < 1.1:
            break
        point = measure(rate, seconds)
        search.append(point)
        if _ok(point):
            good = rate
            rate = rate * 1.3 if bad is None else (rate + bad) / 2
        else:
            bad = rate
            rate = (good + rate) / 2 if good else rate / 2
    return round(good, 1), search


def _overload(
    running: Running, templates: list[dict[str, Any]], sequence: list[int], capacity: float, s: Any
) -> dict[str, Any]:
    """Twice the capacity, then half of it: during the surge the excess must be refused at once
    (429/503 with Retry-After), answered requests stay under p99 200 ms and nothing waits past
    :data:`DEADLINE_S`; after it, every second must be back to normal within 5 s."""
    if capacity <= 0:
        return {"met": False, "error": "no capacity measured"}
    surge = offer(running.url, templates, sequence, 2 * capacity, s.overload_seconds, deadline=DEADLINE_S)
    after = offer(running.url, templates, sequence, capacity / 2, s.recovery_seconds, deadline=DEADLINE_S)
    normal = [sec["p99_ms"] < MUST_P99_MS and sec["errors"] == 0 for sec in after["timeline"]]
    recovered_at = next((i for i in range(len(normal)) if all(normal[i:])), None)
    refused_bare = sum(k.get("refused_bare", 0) for k in surge["kinds"].values())
    return {
        "offered_rps": round(2 * capacity, 1),
        "ok_rps": round(surge["ok_rps"], 1),
        "answered_p99_ms": surge["ok"]["p99_ms"],
        "refused": surge["refused"],
        "refused_without_retry_after": refused_bare,
        "late": surge["late"],
        "timeouts": sum(k.get("timeout", 0) for k in surge["kinds"].values()),
        "recovered_after_s": recovered_at,
        "surge_timeline": surge["timeline"],
        "after_timeline": after["timeline"],
        "met": surge["ok"]["p99_ms"] < MUST_P99_MS
        and surge["late"] == 0
        and refused_bare == 0
        and recovered_at is not None
        and recovered_at <= RECOVERY_S,
    }


def _discard_outbox(p: Platform, batches: int = 100_000) -> None:
    """Earlier scenarios wrote with dispatch off. Their events go to this process's in-memory
    bus, which nothing reads, so a topology does not start by handling them."""
    for _ in range(batches):
        if not p.relay.run_once():
            return


def _mix_plan(p: Platform, data: Data, n: int) -> tuple[list[dict[str, Any]], list[int]]:
    """``n`` requests (cycled by the client): users drawn Zipf, each 66th a write, the writes
    rotating through a post, a like of a recent post and a follow."""
    rng = random.Random(5)
    actors = [data.zipf[i % len(data.zipf)] for i in range(n)]
    tokens = {u: f"Bearer {p.auth.issue(u).access_token}" for u in dict.fromkeys(actors)}
    recent = [item.post.id for u in list(tokens)[:20] for item in p.feeds.home(u, 20).items]
    index: dict[tuple[Any, ...], int] = {}
    templates: list[dict[str, Any]] = []
    sequence = []
    for i, actor in enumerate(actors):
        body = None
        if i % 66:
            kind, method, path = "read", "GET", "/v1/feed?limit=20"
        elif (i // 66) % 3 == 0:
            kind, method, path, body = "post", "POST", "/v1/posts", {"text": "mixed workload post"}
        elif (i // 66) % 3 == 1 and recent:
            kind, method, path = "like", "PUT", f"/v1/posts/{rng.choice(recent)}/like"
        else:
            target = next(u for u in rng.sample(data.ids, 2) if u != actor)
            kind, method, path = "follow", "PUT", f"/v1/me/following/{target}"
        key = (method, path, actor)
        if key not in index:
            index[key] = len(templates)
            headers = {"Authorization": tokens[actor]}
            templates.append({"kind": kind, "method": method, "path": path, "headers": headers, "body": body})
        sequence.append(index[key])
    return templates, sequence


class _Probe:
    """Post-to-feed freshness over HTTP: every ``every`` seconds, the author posts and the
    follower polls its feed until the post is there (at most ``limit`` seconds)."""

    def __init__(self, url: str, author_token: str, reader_token: str, every: float = 0.5, limit: float = 10.0):
        host, port = url.removeprefix("http://").split(":")
        self.conn = http.client.HTTPConnection(host, int(port), timeout=limit)
        self.author, self.reader = f"Bearer {author_token}", f"Bearer {reader_token}"
        self.every, self.limit = every, limit
        self.delays: list[float] = []
        self.missed = 0
        self._done = threading.Event()

    def call(self, method: str, path: str, token: str, body: dict[str, Any] | None = None) -> Any:
        headers = {"Authorization": token, "Content-Type": "application/json"}
        try:
            self.conn.request(method, path, None if body is None else json.dumps(body), headers)
            response = self.conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()  # reconnects on the next request
            raise
        if response.status >= 300:
            raise RuntimeError(f"{method} {path}: HTTP {response.status} {raw[:200]!r}")
        return json.loads(raw) if raw else None

    def _once(self) -> None:
        t0 = time.perf_counter()
        try:
            post_id = self.call("POST", "/v1/posts", self.author, {"text": "freshness probe"})["id"]
            while time.perf_counter() - t0 < self.limit:
                items = self.call("GET", "/v1/feed?limit=5", self.reader)["items"]
                if any(item["post"]["id"] == post_id for item in items):
                    self.delays.append(time.perf_counter() - t0)
                    return
                time.sleep(0.01)
        except (OSError, RuntimeError, http.client.HTTPException):
            pass
        self.missed += 1

    def _loop(self) -> None:
        while not self._done.wait(self.every):
            self._once()

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        """Probe in a thread while the block runs; ``summary`` then covers that stretch."""
        self.delays, self.missed = [], 0
        self._done.clear()
        thread = threading.Thread(target=self._loop, daemon=True)
        thread.start()
        try:
            yield
        finally:
            self._done.set()
            thread.join(2 * self.limit + 5)  # a probe's last request may start just before its limit

    def summary(self) -> dict[str, Any]:
        """Freshness percentiles in ms; a probe not visible within ``limit`` counts as ``limit``."""
        lat = percentiles(self.delays + [self.limit] * self.missed)
        return {
            "freshness_p50_ms": lat["p50_ms"],
            "freshness_p99_ms": lat["p99_ms"],
            "freshness_probes": len(self.delays) + self.missed,
            "freshness_missed": self.missed,
        }

    def close(self) -> None:
        self.conn.close()
