"""Scenarios across processes or policies: http-feed (uvicorn + wrk), hybrid, mixed."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from feedcore import Platform

from .context import Ctx, result
from .datasets import Data
from .loadgen import percentiles
from .meter import busy_cpu_seconds

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
    _stop(proc)
    raise RuntimeError(f"server at {url} did not start")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
    if proc.stderr is not None:
        proc.stderr.close()


def _server_env(ctx: Ctx, p: Platform) -> dict[str, str]:
    """Environment of a server on the run's services (and of the bare ASGI baseline)."""
    env = ctx.env.env_vars(pull_threshold=p.settings.pull_threshold)
    env.update(
        FEEDCORE_BENCH_REDIS_URL=ctx.env.redis_url, FEEDCORE_BENCH_NAMESPACE=ctx.env.namespace, PYTHONPATH=str(ROOT)
    )
    return env


def _feedctl_serve(port: int, workers: int = 1) -> list[str]:
    """`feedctl serve`, without access logs like the uvicorn baseline (``--no-access-log``)."""
    feedctl = str(Path(sys.executable).with_name("feedctl"))
    return [
        feedctl,
        "serve",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--no-access-log",
    ]


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


HTTP_WORKERS = 2
"""Server processes for feedcore and the bare ASGI baseline alike: one per core here."""


def http_feed(ctx: Ctx) -> dict[str, Any]:
    data, s = ctx.data, ctx.sizes
    assert data is not None
    if shutil.which("wrk") is None:
        return result("http-feed", 0.85, None, error="wrk is not installed (apt-get install wrk)")
    p = ctx.platform()
    users = list(dict.fromkeys(data.zipf))[:200]
    tokens = [p.auth.issue(u).access_token for u in users]  # seeded users have no password
    fc_port, bl_port = _free_port(), _free_port()
    env = _server_env(ctx, p)
    commands = {
        "feedcore": (_feedctl_serve(fc_port, HTTP_WORKERS), f"http://127.0.0.1:{fc_port}/healthz"),
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
                "--workers",
                str(HTTP_WORKERS),
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
            _stop(proc)
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
        note=f"wrk is closed-loop (32 connections, {HTTP_WORKERS} server workers each); its p95 column is wrk's p90",
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
    ratios = s.hybrid_ratios
    table: dict[str, dict[str, Any]] = {}
    platforms = {}
    for policy, threshold in policies.items():
        p = ctx.platform(f"hybrid-{policy}", pull_threshold=threshold, namespace=f"{env.namespace}-{policy}")
        for r in readers:  # the users active today have their feeds in the cache
            p.feeds.home(r, 20)
        platforms[policy] = (p, p.fanout)
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
    """The reference mix over HTTP at fixed arrival rates: 65 feed reads per write (posts,
    likes and follows) against `feedctl serve --workers 2`, driven by the constant-rate client
    in its own process, with post-to-feed freshness probed alongside."""
    s, data = ctx.sizes, ctx.data
    assert data is not None
    p = ctx.platform()
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    templates, sequence = _mix_plan(p, data, min(20_000, int(max(s.mixed_rates) * s.mixed_seconds)))
    env = {**_server_env(ctx, p), "FEEDCORE_INLINE_DISPATCH": "true"}
    follower = data.active[-1]
    author = next(u for u in reversed(data.ids) if u != follower)
    probe = _Probe(url, p.auth.issue(author).access_token, p.auth.issue(follower).access_token)
    _discard_outbox(p)
    server = _serve(_feedctl_serve(port, workers=2), env, f"{url}/healthz")
    points = []
    try:
        probe.call("PUT", f"/v1/me/following/{author}", probe.reader)
        probe.call("GET", "/v1/feed?limit=5", probe.reader)  # the follower's feed is materialised
        _loadgen(url, templates, sequence, min(s.mixed_rates), 1.0)  # warm-up
        for rate in s.mixed_rates:
            cpu0 = busy_cpu_seconds()
            with probe.running():
                point = _loadgen(url, templates, sequence, rate, s.mixed_seconds)
            point["cpu_s_per_op"] = (busy_cpu_seconds() - cpu0) / point["ops"]
            points.append({**point, **probe.summary()})
    finally:
        probe.close()
        _stop(server)
    worst = max(points, key=lambda x: x["p99_ms"])
    fresh_p99 = max(pt["freshness_p99_ms"] for pt in points)
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
        freshness_p50_ms=max(pt["freshness_p50_ms"] for pt in points),
        freshness_p99_ms=fresh_p99,
        targets={"p99_ms": 200, "error_rate": 0.0001, "freshness_p99_s": 5},
        met=all(pt["p99_ms"] < 200 and pt["error_rate"] < 0.0001 and pt["freshness_probes"] for pt in points)
        and fresh_p99 < 5000,
        points=points,
        curves={"feedcore (mix)": points},
        note=(
            "HTTP to `feedctl serve --workers 2` from benchmarks/loadgen.py in its own process; no Kafka "
            "here, so fan-out and counters run inline in the server right after each commit"
        ),
    )


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


def _discard_outbox(p: Platform, batches: int = 100_000) -> None:
    """Earlier scenarios wrote with dispatch off. Their events go to this process's in-memory
    bus, which nothing reads, so the inline-dispatch server does not start by handling them."""
    for _ in range(batches):
        if not p.relay.run_once():
            return


def _loadgen(url: str, templates: list[dict[str, Any]], sequence: list[int], rate: float, seconds: float) -> Any:
    """One run of benchmarks/loadgen.py in its own process; its JSON report."""
    plan = {"url": url, "rate": rate, "seconds": seconds, "connections": 64, "timeout": 5.0}
    with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
        json.dump({**plan, "templates": templates, "sequence": sequence}, f)
        f.flush()
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.loadgen", f.name],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=seconds + 60,
        )
    if out.returncode:
        raise RuntimeError(f"loadgen exited with {out.returncode}: {out.stderr[-2000:]}")
    return json.loads(out.stdout)


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
