"""The suite ``feedctl bench`` runs: scenarios by name, the report (table, JSON, plot)."""

from __future__ import annotations

import json
import os
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from . import scenarios_core, scenarios_http, scenarios_mixed, scenarios_system
from .context import FULL, QUICK, Ctx
from .datasets import build
from .env import bench_env, machine
from .meter import CpuMeter, service_pids

SCENARIOS: dict[str, Callable[[Ctx], dict[str, Any]]] = {
    "feed-read": scenarios_core.feed_read,
    "feed-read-pull": scenarios_core.feed_read_pull,
    "fanout": scenarios_core.fanout,
    "post-write": scenarios_core.post_write,
    "http-feed": scenarios_http.http_feed,
    "hybrid": scenarios_system.hybrid,
    "mixed": scenarios_mixed.mixed,
}
_NEEDS_DATA = set(SCENARIOS)
_RUNS_LAST = {"fanout"}
"""Scenarios that change the shared data for the others: fan-out pushes ids of posts it never
writes into 110 k home feeds, and its authors become pull authors of those followers."""


def run(
    names: list[str],
    *,
    quick: bool,
    pg_dsn: str,
    redis_url: str,
    echo: Callable[[str], None],
    partial: Path | None = None,
) -> dict[str, Any]:
    """Run ``names`` in order against throwaway services; a failing scenario is reported, not
    fatal. With ``partial``, the report so far is written there after each scenario."""
    sizes = QUICK if quick else FULL
    report: dict[str, Any] = {"machine": machine(), "quick": quick, "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    t0 = time.perf_counter()
    with bench_env(pg_dsn, redis_url) as env:
        ctx = Ctx(env, sizes, quick, echo)
        redis_port = urlsplit(redis_url).port or 6379
        meter = CpuMeter(lambda: [os.getpid(), *service_pids(redis_port)])
        try:
            if _NEEDS_DATA & set(names):
                echo(f"seeding {sizes.users} users ...")
                ctx.data = build(ctx.platform(), sizes.users, sizes.readers_per_group, quiet=quick)
                report["seed"] = ctx.data.seed_report
                report["redis_memory"] = redis_memory(env)
            report["scenarios"] = []
            for name in sorted(names, key=_RUNS_LAST.__contains__):
                echo(f"running {name} ...")
                started = time.perf_counter()
                meter.start()
                try:
                    entry = SCENARIOS[name](ctx)
                except Exception as exc:  # one broken scenario must not hide the others
                    entry = {"name": name, "ratio": None, "error": f"{type(exc).__name__}: {exc}"}
                    echo(traceback.format_exc())
                entry["seconds"] = round(time.perf_counter() - started, 1)
                entry["cpu"] = meter.stop()
                if entry["cpu"]["noisy"]:
                    echo(f"  other work used {entry['cpu']['other_cores']} cores during {name}: marked noisy")
                report["scenarios"].append(entry)
                ctx.done.append(entry)
                if partial is not None:
                    write(report, partial, plot=False)
        finally:
            ctx.close()
    report["scenarios"].sort(key=lambda entry: names.index(entry["name"]))
    report["seconds"] = round(time.perf_counter() - t0, 1)
    return report


def redis_memory(env: Any) -> dict[str, Any]:
    """Redis memory per feed entry: used memory over entries in the run's timelines (INFO memory)."""
    r = env.redis()
    try:
        used = int(r.info("memory")["used_memory"])
        entries = keys = 0
        pipe = r.pipeline(transaction=False)
        names = list(r.scan_iter(f"{env.namespace}:tl:*", count=5000))
        for key in names:
            pipe.zcard(key)
        for n in pipe.execute():
            entries += max(0, int(n) - 1)  # minus the sentinel
            keys += 1
        sample = names[: min(200, len(names))]
        usage = sum(int(r.memory_usage(k) or 0) for k in sample)
        sample_entries = sum(max(1, int(r.zcard(k)) - 1) for k in sample)
        return {
            "used_memory_bytes": used,
            "timelines": keys,
            "feed_entries": entries,
            "bytes_per_entry_sampled": round(usage / max(1, sample_entries), 1),
            "bytes_per_entry_used_memory": round(used / max(1, entries), 1),
        }
    finally:
        r.close()


def _cell(v: Any) -> str:
    if v is None:
        return "-"
    return f"{v:.3g}" if isinstance(v, float) else str(v)


def render(report: dict[str, Any]) -> str:
    from feedctl.options import table

    rows = []
    for e in report.get("scenarios", []):
        status = "error" if "error" in e else ("met" if e.get("met") else ("short" if "met" in e else ""))
        status += " (noisy)" if e.get("cpu", {}).get("noisy") else ""
        rows.append(
            [
                e["name"],
                _cell(e.get("ratio")),
                _cell(e.get("target")),
                status,
                _cell(e.get("rps")),
                _cell(e.get("p50_ms")),
                _cell(e.get("p95_ms")),
                _cell(e.get("p99_ms")),
                _cell(e.get("cpu_s_per_op")),
                _cell(e.get("seconds")),
            ]
        )
    head = ["scenario", "ratio", "target", "", "rps", "p50 ms", "p95 ms", "p99 ms", "cpu s/op", "took s"]
    text = table(rows, head)
    if "redis_memory" in report:
        m = report["redis_memory"]
        text += (
            f"\nRedis: {m['feed_entries']} feed entries, ~{m['bytes_per_entry_sampled']} bytes each (MEMORY USAGE), "
            f"{m['bytes_per_entry_used_memory']} bytes each of used_memory"
        )
    return text + f"\ntotal {report.get('seconds')} s"


def write(report: dict[str, Any], path: Path, plot: bool = True) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, default=str) + "\n")
    if plot:
        from .plot import plot_curves

        plot_curves(report, path.with_suffix(".png"))
