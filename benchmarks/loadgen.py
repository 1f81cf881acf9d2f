"""A constant-arrival-rate HTTP/1.1 load generator, run in its own process so that it does not
share a GIL with the server under test.

``python -m benchmarks.loadgen PLAN.json`` prints one JSON report on stdout. The plan::

    {"url": "http://127.0.0.1:8000", "rate": 580, "seconds": 60, "connections": 64,
     "max_connections": 8192, "timeout": 5, "templates": [{"kind": "read", "method": "GET", "path": "/v1/feed?limit=20",
                    "headers": {"Authorization": "Bearer ..."}, "body": null}, ...],
     "sequence": [0, 0, 3, ...]}

Request ``i`` is template ``sequence[i % len(sequence)]``, sent at ``start + i / rate`` on an
idle keep-alive connection or a new one (``connections`` are opened beforehand), so the offered
rate holds however slow the server gets: the client never waits for a connection to free up.
Latency runs from the intended time (no coordinated omission). A response not complete within
``timeout`` of its intended time is an error. Errors are timeouts, transport failures, requests
beyond ``max_connections`` open at once (``client_limit``) and statuses outside 2xx/3xx.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

_OK = range(200, 400)
_TIMEOUT = -1
_TRANSPORT = -2
_CLIENT_LIMIT = -3
_REFUSED_BARE = 1
"""A 429 or 503 that did not say when to retry (an answer, but not a proper refusal)."""
_REFUSED = (429, 503)
_NAMES = {_TIMEOUT: "timeout", _TRANSPORT: "transport", _CLIENT_LIMIT: "client_limit", _REFUSED_BARE: "refused_bare"}
Conn = tuple[asyncio.StreamReader, asyncio.StreamWriter]


def percentiles(latencies: list[float]) -> dict[str, float]:
    """p50/p95/p99 in milliseconds."""
    if not latencies:
        return {"p50_ms": 0.0, "p95_ms": 0.0, "p99_ms": 0.0}
    xs = sorted(latencies)

    def at(q: float) -> float:
        return round(xs[min(len(xs) - 1, int(q * len(xs)))] * 1000, 3)

    return {"p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99)}


def encode(template: dict[str, Any], host: str) -> bytes:
    """The raw HTTP/1.1 request of one template (keep-alive; a JSON body if it has one)."""
    body = b"" if template.get("body") is None else json.dumps(template["body"]).encode()
    lines = [f"{template['method']} {template['path']} HTTP/1.1", f"Host: {host}"]
    lines += [f"{k}: {v}" for k, v in template.get("headers", {}).items()]
    if body or template["method"] in ("POST", "PUT", "PATCH"):
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one response; its status (:data:`_REFUSED_BARE` for a 429 or 503 without a
    ``Retry-After``) and whether the connection stays open."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    lower = head.lower()
    if status in _REFUSED and b"\nretry-after:" not in lower:
        status = _REFUSED_BARE
    keep = b"\nconnection: close" not in lower
    at = lower.find(b"\ncontent-length:")
    if at >= 0:
        await reader.readexactly(int(lower[at + 16 : lower.index(b"\r", at)]))
    elif b"\ntransfer-encoding: chunked" in lower:
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            await reader.readexactly(size + 2)
        while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers
            pass
    elif status not in (204, 304) and status >= 200:
        await reader.read()  # body until close
        keep = False
    return status, keep


class Run:
    """One run of a plan: each request starts at its due time on an idle keep-alive connection,
    or on a new one when none is idle, so the offered rate never depends on the server's speed
    (open loop at every rate). ``max_connections`` only bounds the client's own resources: a
    request that would need one more is counted as a ``client_limit`` error, never delayed."""

    def __init__(self, plan: dict[str, Any]) -> None:
        url = urlsplit(plan["url"])
        self.host, self.port = url.hostname or "127.0.0.1", url.port or 80
        self.rate, self.seconds = float(plan["rate"]), float(plan["seconds"])
        self.warm = int(plan.get("connections", 64))
        self.max_connections = int(plan.get("max_connections", 8192))
        self.timeout = float(plan.get("timeout", 5.0))
        self.deadline = float(plan.get("deadline", self.timeout))
        """Responses slower than this count as ``late`` (the server's promise, e.g. 1 s)."""
        self.requests = [encode(t, url.netloc) for t in plan["templates"]]
        self.kinds = [str(t.get("kind", t["method"])) for t in plan["templates"]]
        self.sequence: list[int] = plan.get("sequence") or list(range(len(self.requests)))
        self.total = max(1, int(self.rate * self.seconds))
        self.records: list[tuple[float, int, int, float]] = []
        """(intended start relative to the run's start, template, status, latency) per request."""
        self.lags: list[float] = []
        self.idle: list[Conn] = []
        self.open = self.peak_open = 0

    async def _connect(self) -> Conn:
        conn = await asyncio.open_connection(self.host, self.port)
        self.open += 1
        self.peak_open = max(self.peak_open, self.open)
        return conn

    def _close(self, conn: Conn) -> None:
        conn[1].close()
        self.open -= 1

    async def _one(self, i: int, intended: float, start: float) -> None:
        template = self.sequence[i % len(self.sequence)]
        self.lags.append(time.perf_counter() - intended)
        conn = self._idle_connection()
        if conn is None and self.open >= self.max_connections:
            self._record(intended - start, template, _CLIENT_LIMIT, 0.0)
            return
        holder = [conn]
        try:
            status, keep = await asyncio.wait_for(self._exchange(holder, template), self.timeout)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError, TimeoutError) as exc:
            status, keep = (_TIMEOUT if isinstance(exc, TimeoutError) else _TRANSPORT), False
        self._record(intended - start, template, status, time.perf_counter() - intended)
        if holder[0] is not None:
            if keep:
                self.idle.append(holder[0])
            else:
                self._close(holder[0])

    def _idle_connection(self) -> Conn | None:
        while self.idle:
            conn = self.idle.pop()
            if not conn[0].at_eof():
                return conn
            self._close(conn)  # the server closed it while idle
        return None

    async def _exchange(self, holder: list[Conn | None], template: int) -> tuple[int, bool]:
        """Send one request and read its response; ``holder[0]`` is the connection used."""
        conn = holder[0]
        if conn is None:
            conn = holder[0] = await self._connect()
        reader, writer = conn
        writer.write(self.requests[template])
        return await _response(reader)

    def _record(self, at: float, template: int, status: int, latency: float) -> None:
        self.records.append((at, template, status, latency))

    async def run(self) -> dict[str, Any]:
        warm = await asyncio.gather(
            *(asyncio.wait_for(self._connect(), self.timeout) for _ in range(self.warm)), return_exceptions=True
        )
        self.idle = [c for c in warm if isinstance(c, tuple)]
        cpu0, start = time.process_time(), time.perf_counter()
        tasks: set[asyncio.Task[None]] = set()
        for i in range(self.total):
            due = start + i / self.rate
            delay = due - time.perf_counter()
            if delay > 0.001:  # event-loop timers tick in ms: requests due sooner start now
                await asyncio.sleep(delay)
            task = asyncio.create_task(self._one(i, due, start))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        if tasks:
            _, late = await asyncio.wait(tasks, timeout=self.timeout + 5)
            for task in late:  # bounded even if the server stops answering mid-request
                task.cancel()
        wall = time.perf_counter() - start
        for conn in self.idle:
            conn[1].close()
        return self.report(wall, time.process_time() - cpu0)

    def report(self, wall: float, cpu: float) -> dict[str, Any]:
        """Achieved rate (answered requests per second), errors, percentiles in ms overall and
        per request kind, and a per-second timeline of latency and errors."""
        unfinished = self.total - len(self.records)  # cancelled at the end: errors
        latencies = [r[3] for r in self.records] + [self.timeout] * unfinished
        errors = unfinished + sum(1 for r in self.records if r[2] not in _OK)
        answered = sum(1 for r in self.records if r[2] > 0)
        outcomes: Counter[tuple[str, int]] = Counter((self.kinds[r[1]], r[2]) for r in self.records)
        kinds: dict[str, dict[str, Any]] = {}
        for (kind, status), n in sorted(outcomes.items()):
            entry = kinds.setdefault(kind, {"ops": 0, "errors": 0})
            entry["ops"] += n
            entry["errors"] += 0 if status in _OK else n
            name = _NAMES.get(status, str(status))
            entry[name] = entry.get(name, 0) + n
        for kind, entry in kinds.items():
            entry.update(percentiles([r[3] for r in self.records if self.kinds[r[1]] == kind]))
        ok = [r[3] for r in self.records if r[2] in _OK]
        refused = [r[3] for r in self.records if r[2] in _REFUSED]
        return {
            "target_rps": self.rate,
            "rps": answered / wall,
            "ok_rps": len(ok) / wall,
            "ok": {"count": len(ok), **percentiles(ok)},
            "refused": {"count": len(refused), **percentiles(refused)},
            "late": sum(1 for r in self.records if r[3] > self.deadline) + unfinished,
            "ops": self.total,
            "unfinished": unfinished,
            "errors": errors,
            "error_rate": errors / self.total,
            **percentiles(latencies),
            "start_lag_p99_ms": percentiles(self.lags)["p99_ms"],
            "peak_connections": self.peak_open,
            "client_cpu_s_per_op": cpu / max(1, len(self.records)),
            "kinds": kinds,
            "timeline": self._timeline(),
        }

    def _timeline(self) -> list[dict[str, Any]]:
        """Per second of intended start: requests, errors, p50 and p99 in ms."""
        seconds: dict[int, list[tuple[int, float]]] = {}
        for at, _, status, latency in self.records:
            seconds.setdefault(int(at), []).append((status, latency))
        return [
            {
                "t": t,
                "ops": len(rows),
                "errors": sum(1 for status, _ in rows if status not in _OK),
                **percentiles([latency for _, latency in rows]),
            }
            for t, rows in sorted(seconds.items())
        ]


def main(argv: list[str]) -> None:
    if len(argv) != 1:
        sys.exit("usage: python -m benchmarks.loadgen PLAN.json")
    with open(argv[0]) as f:
        plan = json.load(f)
    try:
        import uvloop  # comes with uvicorn[standard]; plain asyncio otherwise

        runner: Any = uvloop.run
    except ImportError:
        runner = asyncio.run
    print(json.dumps(runner(Run(plan).run())))


if __name__ == "__main__":
    main(sys.argv[1:])
