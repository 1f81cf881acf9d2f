"""Measuring: closed loops (throughput), constant arrival rates (latency without coordinated
omission), alternating feedcore/baseline repetitions, and the summaries the report shows."""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .loadgen import percentiles
from .meter import busy_cpu_seconds

Op = Callable[[int], object]
"""One operation; called with a running counter (use it to pick users)."""


def closed_loop(op: Op, threads: int, seconds: float) -> dict[str, Any]:
    """``threads`` workers calling ``op`` back to back for ``seconds``."""
    stop = time.perf_counter() + seconds
    lats: list[list[float]] = [[] for _ in range(threads)]
    errors = [0] * threads

    def work(t: int) -> None:
        i, out = t, lats[t]
        while True:
            start = time.perf_counter()
            if start >= stop:
                return
            try:
                op(i)
            except Exception:
                errors[t] += 1
            out.append(time.perf_counter() - start)
            i += threads

    cpu0, proc0, wall0 = busy_cpu_seconds(), time.process_time(), time.perf_counter()
    pool = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    for th in pool:
        th.start()
    for th in pool:
        th.join()
    wall = time.perf_counter() - wall0
    flat = [x for part in lats for x in part]
    n = max(1, len(flat))
    return {
        "ops": len(flat),
        "rps": len(flat) / wall,
        "errors": sum(errors),
        "cpu_s_per_op": (busy_cpu_seconds() - cpu0) / n,
        "client_cpu_s_per_op": (time.process_time() - proc0) / n,
        **percentiles(flat),
    }


def constant_rate(op: Op, rate: float, seconds: float, workers: int = 64, timeout: float = 5.0) -> dict[str, Any]:
    """Start ``op`` at ``rate`` per second for ``seconds``; each latency runs from the intended
    start time, so a stall counts against every request it delays (no coordinated omission).
    A request that cannot start within ``timeout`` of its intended time is not run: it counts
    as an error with latency ``timeout`` (so an overloaded run ends instead of draining a backlog)."""
    total = max(1, int(rate * seconds))
    lats: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def one(i: int, intended: float) -> None:
        if time.perf_counter() - intended > timeout:
            with lock:
                errors[0] += 1
                lats.append(timeout)
            return
        try:
            op(i)
        except Exception:
            with lock:
                errors[0] += 1
        done = time.perf_counter() - intended
        with lock:
            lats.append(done)

    cpu0, wall0 = busy_cpu_seconds(), time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        for i in range(total):
            intended = wall0 + i / rate
            delay = intended - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(one, i, intended)
    wall = time.perf_counter() - wall0
    return {
        "target_rps": rate,
        "rps": total / wall,
        "ops": total,
        "errors": errors[0],
        "error_rate": errors[0] / total,
        "cpu_s_per_op": (busy_cpu_seconds() - cpu0) / total,
        **percentiles(lats),
    }


def spread(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def compare(feedcore: Op, baseline: Op, *, threads: int, seconds: float, reps: int, warmup: float) -> dict[str, Any]:
    """Alternate feedcore and baseline ``reps`` times each after a warm-up of both; the ratio
    is of median throughputs (feedcore / baseline)."""
    closed_loop(feedcore, threads, warmup)
    closed_loop(baseline, threads, warmup)
    runs: dict[str, list[dict[str, Any]]] = {"feedcore": [], "baseline": []}
    for rep in range(reps):
        order = ("feedcore", "baseline") if rep % 2 == 0 else ("baseline", "feedcore")
        for who in order:
            runs[who].append(closed_loop(feedcore if who == "feedcore" else baseline, threads, seconds))
    out: dict[str, Any] = {}
    for who, rs in runs.items():
        best = sorted(rs, key=lambda r: r["rps"])[len(rs) // 2]
        out[who] = {
            "rps": round(statistics.median(r["rps"] for r in rs), 1),
            "rps_spread": {k: round(v, 1) for k, v in spread([r["rps"] for r in rs]).items()},
            "cpu_s_per_op": round(statistics.median(r["cpu_s_per_op"] for r in rs), 6),
            "client_cpu_s_per_op": round(statistics.median(r["client_cpu_s_per_op"] for r in rs), 6),
            "errors": sum(r["errors"] for r in rs),
            **{k: best[k] for k in ("p50_ms", "p95_ms", "p99_ms")},
        }
    out["ratio"] = round(out["feedcore"]["rps"] / max(out["baseline"]["rps"], 1e-9), 3)
    return out


def curve(op: Op, max_rps: float, fractions: tuple[float, ...], seconds: float) -> list[dict[str, Any]]:
    """Latency at constant rates, as fractions of a measured maximum (for the plot)."""
    return [constant_rate(op, max(1.0, f * max_rps), seconds) for f in fractions]
