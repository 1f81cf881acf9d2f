"""The HTTP read path: cached home-feed reads through `feedctl serve` against the bare ASGI
baseline (the same two Redis calls in 30 lines), both with two server processes.

Two views: closed-loop throughput (wrk, the ratio the target is set on), and latency against
offered rate from the out-of-process open-loop client (the curve in the plot)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from typing import Any

from .context import Ctx, result
from .meter import busy_cpu_seconds
from .processes import free_port, offer, serve_command, start, stop

HTTP_WORKERS = 2
"""Server processes for feedcore and the bare ASGI baseline alike: one per core here."""
CURVE_FRACTIONS = (0.25, 0.5, 0.75, 1.0, 1.25)
"""Offered rates of the latency curve, as fractions of the baseline's wrk throughput."""
SUSTAINED_P99_MS = 50.0

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
    tokens = [p.auth.issue(u).access_token for u in users]  # seeded users have no password
    fc_port, bl_port = free_port(), free_port()
    env = ctx.server_env(p)
    baseline_cmd = [sys.executable, "-m", "uvicorn", "benchmarks.bare_asgi:app", "--port", str(bl_port)]
    baseline_cmd += ["--log-level", "warning", "--no-access-log", "--workers", str(HTTP_WORKERS)]
    commands = {
        "feedcore": (serve_command(fc_port, HTTP_WORKERS), f"http://127.0.0.1:{fc_port}/healthz"),
        "baseline": (baseline_cmd, f"http://127.0.0.1:{bl_port}/feed?u={users[0]}"),
    }
    targets = {
        "feedcore": (f"http://127.0.0.1:{fc_port}", ["/v1/feed?limit=20"] * len(users)),
        "baseline": (f"http://127.0.0.1:{bl_port}", [f"/feed?u={u}" for u in users]),
    }
    servers: list[subprocess.Popen[bytes]] = []
    runs: dict[str, list[dict[str, Any]]] = {"feedcore": [], "baseline": []}
    curves: dict[str, list[dict[str, Any]]] = {}
    try:
        for cmd, ready in commands.values():
            servers.append(start(cmd, env, ready))
        for url, paths in targets.values():
            _wrk(url, tokens, paths, 1, 16)  # warm-up
        for rep in range(min(3, s.reps)):
            for who in ("feedcore", "baseline") if rep % 2 == 0 else ("baseline", "feedcore"):
                url, paths = targets[who]
                runs[who].append(_wrk(url, tokens, paths, s.http_seconds, 32))
        top = _median(runs["baseline"])["rps"]
        for who, (url, paths) in targets.items():
            templates = [
                {"kind": "read", "method": "GET", "path": path, "headers": {"Authorization": f"Bearer {token}"}}
                for path, token in zip(paths, tokens, strict=True)
            ]
            curves[f"{who} http-feed"] = [
                _trimmed(offer(url, templates, [], f * top, s.curve_seconds)) for f in CURVE_FRACTIONS
            ]
    finally:
        for proc in servers:
            stop(proc)
    fc, bl = _median(runs["feedcore"]), _median(runs["baseline"])
    sustained = {
        who: max((pt["target_rps"] for pt in pts if pt["p99_ms"] < SUSTAINED_P99_MS and not pt["errors"]), default=0.0)
        for who, pts in curves.items()
    }
    return result(
        "http-feed",
        0.85,
        round(fc["rps"] / max(1e-9, bl["rps"]), 3),
        rps=fc["rps"],
        p50_ms=fc["p50_ms"],
        p95_ms=fc["p95_ms"],
        p99_ms=fc["p99_ms"],
        cpu_s_per_op=fc["cpu_s_per_op"],
        baseline_rps=bl["rps"],
        baseline_cpu_s_per_op=bl["cpu_s_per_op"],
        sustained_rps_p99_50ms=sustained,
        sustained_target={"rps": 3500, "p99_ms": SUSTAINED_P99_MS},
        curves=curves,
        note=f"wrk is closed-loop (32 connections, {HTTP_WORKERS} server workers each); its p95 column is wrk's p90",
        detail=runs,
    )


def _median(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return sorted(runs, key=lambda x: x["rps"])[len(runs) // 2]


def _trimmed(point: dict[str, Any]) -> dict[str, Any]:
    point.pop("timeline", None)
    return point
