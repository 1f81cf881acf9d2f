"""Scenarios across processes or policies: http-feed (uvicorn + wrk), hybrid, mixed."""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from feedcore.fanout import FanoutHandler
from feedcore.ports import Timeline
from feedcore.services.hydration import Hydrator

from .context import Ctx, result
from .env import busy_cpu_seconds
from .measure import constant_rate

ROOT = Path(__file__).resolve().parents[1]
_WRK_LUA = """
tokens = {%s}
paths = {%s}
i = 0
request = function()
  i = i + 1
  local k = (i %% #paths) + 1
  return wrk.format("GET", paths[k], {["Authorization"] = "Bearer " .. tokens[k]})
end
"""


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(cmd: list[str], env: dict[str, str], url: str) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(cmd, env={**os.environ, **env}, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return proc
        except Exception:
            if proc.poll() is not None:
                err = proc.stderr.read().decode()[-2000:] if proc.stderr else ""
                if proc.stderr is not None:
                    proc.stderr.close()
                raise RuntimeError(f"server exited: {err}") from None
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError(f"server at {url} did not start")


def _wrk(url: str, tokens: list[str], paths: list[str], seconds: float, connections: int) -> dict[str, Any]:
    lua = _WRK_LUA % (",".join(f'"{t}"' for t in tokens), ",".join(f'"{p}"' for p in paths))
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(lua)
    cpu0 = busy_cpu_seconds()
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{max(1, int(seconds))}s", "--latency", "-s", f.name, url],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    ).stdout
    cpu = busy_cpu_seconds() - cpu0
    os.unlink(f.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)

    def pct(q: str) -> float:
        m = re.search(rf"\s{q}%\s+([\d.]+)(us|ms|s)\b", out)
        if not m:
            return 0.0
        return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]

    return {
        "rps": rps,
        "ops": total,
        "errors": int(non2xx.group(1)) if non2xx else 0,
        "p50_ms": pct("50"),
        "p95_ms": pct("90"),
        "p99_ms": pct("99"),
        "cpu_s_per_op": cpu / max(1, total),
    }


def http_feed(ctx: Ctx) -> dict[str, Any]:
    data, s = ctx.data, ctx.sizes
    assert data is not None
    if shutil.which("wrk") is None:
        return result("http-feed", 0.85, None, error="wrk is not installed (apt-get install wrk)")
    p = ctx.platform()
    users = list(dict.fromkeys(data.zipf))[:200]
    tokens = [p.auth._issue(u).access_token for u in users]  # seeded users have no password
    fc_port, bl_port = _free_port(), _free_port()
    env = ctx.env.env_vars(pull_threshold=p.settings.pull_threshold)
    env.update(
        FEEDCORE_BENCH_REDIS_URL=ctx.env.redis_url, FEEDCORE_BENCH_NAMESPACE=ctx.env.namespace, PYTHONPATH=str(ROOT)
    )
    feedctl = str(Path(sys.executable).with_name("feedctl"))
    commands = {
        "feedcore": (
            [feedctl, "serve", "--port", str(fc_port), "--log-level", "warning"],
            f"http://127.0.0.1:{fc_port}/healthz",
        ),
        "baseline": (
            [
                sys.executable,
                "-m",
                "uvicorn",
                "benchmarks.bare_asgi:app",
                "--port",
                str(bl_port),
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            f"http://127.0.0.1:{bl_port}/feed?u={users[0]}",
        ),
    }
    servers: list[subprocess.Popen[bytes]] = []
    runs: dict[str, list[dict[str, Any]]] = {"feedcore": [], "baseline": []}
    try:
        for cmd, ready in commands.values():
            servers.append(_serve(cmd, env, ready))
        targets = {
            "feedcore": (f"http://127.0.0.1:{fc_port}", ["/v1/feed?limit=20"] * len(users)),
            "baseline": (f"http://127.0.0.1:{bl_port}", [f"/feed?u={u}" for u in users]),
        }
        for url, paths in targets.values():
            _wrk(url, tokens, paths, 1, 16)  # warm-up
        for rep in range(min(3, s.reps)):
            for who in ("feedcore", "baseline") if rep % 2 == 0 else ("baseline", "feedcore"):
                url, paths = targets[who]
                runs[who].append(_wrk(url, tokens, paths, s.http_seconds, 32))
    finally:
        for proc in servers:
            proc.terminate()
            proc.wait(timeout=20)
            if proc.stderr is not None:
                proc.stderr.close()
    med = {w: sorted(r, key=lambda x: x["rps"])[len(r) // 2] for w, r in runs.items()}
    fc = med["feedcore"]
    return result(
        "http-feed",
        0.85,
        round(fc["rps"] / max(1e-9, med["baseline"]["rps"]), 3),
        rps=fc["rps"],
        p50_ms=fc["p50_ms"],
        p95_ms=fc["p95_ms"],
        p99_ms=fc["p99_ms"],
        cpu_s_per_op=fc["cpu_s_per_op"],
        baseline_rps=med["baseline"]["rps"],
        sustained_target={"rps": 3500, "p99_ms": 50},
        note="wrk is closed-loop (32 connections, 1 server worker each); its p95 column is wrk's p90",
        detail=runs,
    )


def hybrid(ctx: Ctx) -> dict[str, Any]:
    """Redis commands and CPU-seconds of a simulated day (writes then reads at each ratio)
    under the hybrid policy, all-push (no pull authors) and all-pull (every author pulled)."""
    s, env = ctx.sizes, ctx.env
    assert ctx.data is not None
    data = ctx.data
    readers = list(dict.fromkeys(data.zipf))[: s.hybrid_users] + [r for g in data.readers.values() for r in g]
    authors = data.hubs + data.ids[1000 : 1000 + 4 * s.hybrid_writes]
    policies = {"hybrid": 1000, "all-push": 10**9, "all-pull": 1}
    ratios = (0.1, 1.0, 10.0, 100.0)
    table: dict[str, dict[str, Any]] = {}
    platforms = {}
    for policy, threshold in policies.items():
        p = ctx.platform(f"hybrid-{policy}", pull_threshold=threshold, namespace=f"{env.namespace}-{policy}")
        for r in readers:  # the users active today have their feeds in the cache
            p.feeds.home(r, 20)
        platforms[policy] = (p, FanoutHandler(p.deps, Hydrator(p.deps)))
    for ratio in ratios:
        row: dict[str, Any] = {}
        order = list(policies) if int(ratio * 10) % 2 == 0 else list(reversed(policies))
        for policy in order:
            p, fan = platforms[policy]
            rng = random.Random(int(ratio * 10))
            writes, reads = s.hybrid_writes, max(1, int(ratio * s.hybrid_writes))
            cmd0, cpu0 = env.redis_commands(), busy_cpu_seconds()
            for _ in range(writes):
                author = rng.choice(authors)
                post = p.posts.create(author, "a post of the day")
                fan.push(author, [post.id])
            for _ in range(reads):
                p.feeds.home(rng.choice(readers), 20)
            row[policy] = {"redis_commands": env.redis_commands() - cmd0, "cpu_s": round(busy_cpu_seconds() - cpu0, 3)}
        best = {m: min(row["all-push"][m], row["all-pull"][m]) for m in ("redis_commands", "cpu_s")}
        row["ratio_commands"] = round(row["hybrid"]["redis_commands"] / max(1, best["redis_commands"]), 3)
        row["ratio_cpu"] = round(row["hybrid"]["cpu_s"] / max(1e-3, best["cpu_s"]), 3)
        table[str(ratio)] = row
    worst = max(max(r["ratio_commands"], r["ratio_cpu"]) for r in table.values())
    entry = result("hybrid", 1.05, worst, detail=table, note="lower is better: hybrid / min(all-push, all-pull)")
    entry["met"] = worst <= 1.05
    return entry


def mixed(ctx: Ctx) -> dict[str, Any]:
    """The reference mix at fixed arrival rates: 65 reads per write; writes are posts (fanned
    out in the request, as a worker would), likes and follows."""
    s, data = ctx.sizes, ctx.data
    assert data is not None
    p = ctx.platform()
    fan = FanoutHandler(p.deps, Hydrator(p.deps))
    picks, ids = data.zipf, data.ids
    fresh: list[float] = []
    recent: list[int] = []

    def op(i: int) -> None:
        rng = random.Random(i)
        if i % 66:
            p.feeds.home(picks[(i * 7919) % len(picks)], 20)
            return
        kind = (i // 66) % 3
        if kind == 0:
            t0 = time.perf_counter()
            author = rng.choice(ids[100:])
            post = p.posts.create(author, "mixed workload post")
            fan.push(author, [post.id])
            follower = p.deps.graph.followers(author, None, 1)
            if follower and p.deps.timelines.range(Timeline.HOME, follower[0], None, 1) not in (None, []):
                fresh.append(time.perf_counter() - t0)
            recent.append(post.id)
        elif kind == 1 and recent:
            p.interactions.like(rng.choice(ids), recent[-1])
        else:
            p.graph.follow(rng.choice(ids), rng.choice(ids))

    points = [constant_rate(op, rate, s.mixed_seconds, workers=64) for rate in s.mixed_rates]
    worst = max(points, key=lambda x: x["p99_ms"])
    fresh.sort()
    fresh_p99 = round(fresh[min(len(fresh) - 1, int(0.99 * len(fresh)))] * 1000, 1) if fresh else None
    return result(
        "mixed",
        None,
        None,
        rps=worst["rps"],
        p50_ms=worst["p50_ms"],
        p95_ms=worst["p95_ms"],
        p99_ms=worst["p99_ms"],
        cpu_s_per_op=worst["cpu_s_per_op"],
        error_rate=worst["error_rate"],
        freshness_p99_ms=fresh_p99,
        targets={"p99_ms": 200, "error_rate": 0.0001, "freshness_p99_s": 5},
        met=worst["p99_ms"] < 200 and worst["error_rate"] < 0.0001,
        points=points,
        curves={"feedcore (mix)": points},
    )
