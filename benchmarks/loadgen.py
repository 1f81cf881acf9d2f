"""A constant-arrival-rate HTTP/1.1 load generator, run in its own process so that it does not
share a GIL with the server under test.

``python -m benchmarks.loadgen PLAN.json`` prints one JSON report on stdout. The plan::

    {"url": "http://127.0.0.1:8000", "rate": 580, "seconds": 60, "connections": 64, "timeout": 5,
     "templates": [{"kind": "read", "method": "GET", "path": "/v1/feed?limit=20",
                    "headers": {"Authorization": "Bearer ..."}, "body": null}, ...],
     "sequence": [0, 0, 3, ...]}

Request ``i`` is template ``sequence[i % len(sequence)]``, due at ``start + i / rate``; its
latency runs from that intended time, so a stall counts against every request it delays (no
coordinated omission). A request that cannot start within ``timeout`` of its intended time is
not sent and counts as an error with latency ``timeout``; a response slower than ``timeout``
is an error too. Errors are transport failures and statuses outside 2xx/3xx.
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
_IDLE = 2.0
"""Reconnect before reusing a connection idle this long (servers close idle ones, uvicorn after 5 s)."""
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
    """Read one response; its status and whether the connection stays open."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    lower = head.lower()
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
    """One run of a plan: a scheduler feeding ``connections`` keep-alive workers."""

    def __init__(self, plan: dict[str, Any]) -> None:
        url = urlsplit(plan["url"])
        self.host, self.port = url.hostname or "127.0.0.1", url.port or 80
        self.rate, self.seconds = float(plan["rate"]), float(plan["seconds"])
        self.connections, self.timeout = int(plan.get("connections", 64)), float(plan.get("timeout", 5.0))
        self.requests = [encode(t, url.netloc) for t in plan["templates"]]
        self.kinds = [str(t.get("kind", t["method"])) for t in plan["templates"]]
        self.sequence: list[int] = plan.get("sequence") or list(range(len(self.requests)))
        self.total = max(1, int(self.rate * self.seconds))
        self.latencies: list[float] = []
        self.lags: list[float] = []
        self.outcomes: Counter[tuple[str, int]] = Counter()
        self.queue: asyncio.Queue[tuple[int, float] | None] = asyncio.Queue()

    async def _schedule(self, start: float) -> None:
        i = 0
        while i < self.total:
            now = time.perf_counter()
            while i < self.total and start + i / self.rate <= now:
                self.queue.put_nowait((i, start + i / self.rate))
                i += 1
            if i < self.total:  # event-loop timers tick in ms: a shorter sleep would spin
                await asyncio.sleep(max(0.001, start + i / self.rate - time.perf_counter()))
        for _ in range(self.connections):
            self.queue.put_nowait(None)

    async def _connect(self) -> Conn:
        return await asyncio.wait_for(asyncio.open_connection(self.host, self.port), self.timeout)

    async def _worker(self, conn: Conn | None) -> None:
        used = time.perf_counter()
        while (item := await self.queue.get()) is not None:
            i, intended = item
            template = self.sequence[i % len(self.sequence)]
            began = time.perf_counter()
            if began - intended > self.timeout:
                self._record(template, _TIMEOUT, self.timeout)
                continue
            self.lags.append(began - intended)
            if conn is not None and began - used > _IDLE:
                conn[1].close()
                conn = None
            used = began
            try:
                if conn is None:
                    conn = await self._connect()
                reader, writer = conn
                writer.write(self.requests[template])
                status, keep = await asyncio.wait_for(_response(reader), self.timeout)
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError, TimeoutError) as exc:
                status, keep = (_TIMEOUT if isinstance(exc, TimeoutError) else _TRANSPORT), False
            self._record(template, status, time.perf_counter() - intended)
            if not keep and conn is not None:
                conn[1].close()
                conn = None
        if conn is not None:
            conn[1].close()

    def _record(self, template: int, status: int, latency: float) -> None:
        self.latencies.append(latency)
        self.outcomes[(self.kinds[template], status)] += 1

    async def run(self) -> dict[str, Any]:
        pool = await asyncio.gather(*(self._connect() for _ in range(self.connections)), return_exceptions=True)
        cpu0, start = time.process_time(), time.perf_counter()
        workers = [asyncio.create_task(self._worker(c if isinstance(c, tuple) else None)) for c in pool]
        await self._schedule(start)
        _, late = await asyncio.wait(workers, timeout=3 * self.timeout + 5)
        for task in late:  # bounded even if the server stops answering mid-request
            task.cancel()
        return self.report(time.perf_counter() - start, time.process_time() - cpu0)

    def report(self, wall: float, cpu: float) -> dict[str, Any]:
        """Achieved rate (answered requests per second), errors and percentiles in ms."""
        unfinished = self.total - len(self.latencies)  # cancelled at the end: errors
        errors = unfinished + sum(n for (_, status), n in self.outcomes.items() if status not in _OK)
        answered = sum(n for (_, status), n in self.outcomes.items() if status > 0)
        kinds: dict[str, dict[str, int]] = {}
        for (kind, status), n in sorted(self.outcomes.items()):
            entry = kinds.setdefault(kind, {"ops": 0, "errors": 0})
            entry["ops"] += n
            entry["errors"] += 0 if status in _OK else n
            name = {_TIMEOUT: "timeout", _TRANSPORT: "transport"}.get(status, str(status))
            entry[name] = entry.get(name, 0) + n
        return {
            "target_rps": self.rate,
            "rps": answered / wall,
            "ops": self.total,
            "unfinished": unfinished,
            "errors": errors,
            "error_rate": errors / self.total,
            **percentiles(self.latencies + [self.timeout] * unfinished),
            "start_lag_p99_ms": percentiles(self.lags)["p99_ms"],
            "client_cpu_s_per_op": cpu / max(1, len(self.latencies)),
            "kinds": kinds,
        }


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
