"""`feedctl serve` as a real process on a free loopback port, driven over TCP with httpx.

A deployment is an environment of backend URLs; when its bus is not in-process, `feedctl relay`
and `feedctl worker` run beside the server, as in production.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest

from tests.fixtures.services import free_port

from .client import assert_error, run_journey

FEEDCTL = str(Path(sys.executable).with_name("feedctl"))
START_TIMEOUT = 60.0
STOP_TIMEOUT = 20.0


@contextmanager
def _process(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [FEEDCTL, *args], env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(STOP_TIMEOUT)


def _wait_ready(base_url: str, procs: list[subprocess.Popen[bytes]], logs: list[Path]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        for proc, log in zip(procs, logs, strict=True):
            if proc.poll() is not None:
                raise AssertionError(f"{proc.args} exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{base_url}/readyz", timeout=2.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"not ready within {START_TIMEOUT} s:\n" + "\n".join(log.read_text()[-2000:] for log in logs))


@contextmanager
def served(data_dir: Path, backends: dict[str, str]) -> Iterator[tuple[str, list[subprocess.Popen[bytes]]]]:
    """``feedctl serve`` (plus relay and worker unless the bus is in-process) on ``backends``;
    yields the base URL and the processes. Everything is stopped with SIGTERM afterwards."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FEEDCORE_")}
    env.update(
        {
            "FEEDCORE_DATA_DIR": str(data_dir),
            "FEEDCORE_PASSWORD_COST": "16",
            "FEEDCORE_RATE_LIMIT": "100000/minute",
            "FEEDCORE_ANONYMOUS_RATE_LIMIT": "100000/minute",
            **backends,
        }
    )
    commands = [["serve", "--host", "127.0.0.1", "--port", str(port)]]
    if not env.get("FEEDCORE_BUS_URL", "memory://").startswith("memory:"):
        commands += [["relay", "--interval", "0.1"], ["worker", "--poll-timeout", "0.2"]]
    logs = [data_dir / f"{args[0]}.log" for args in commands]
    data_dir.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        procs = [stack.enter_context(_process(args, env, log)) for args, log in zip(commands, logs, strict=True)]
        base_url = f"http://127.0.0.1:{port}"
        _wait_ready(base_url, procs, logs)
        yield base_url, procs


@pytest.fixture
def embedded() -> dict[str, str]:
    return {}


@pytest.fixture
def shared_services(redis_url: str, kafka_url: str) -> dict[str, str]:
    """SQLite (one file, several processes), Redis and a Kafka-protocol broker; a fresh namespace."""
    return {
        "FEEDCORE_CACHE_URL": redis_url,
        "FEEDCORE_BUS_URL": kafka_url,
        "FEEDCORE_NAMESPACE": f"t{uuid.uuid4().hex[:10]}",
    }


@pytest.mark.slow
@pytest.mark.parametrize(
    "deployment",
    [
        "embedded",
        pytest.param("shared_services", marks=pytest.mark.integration),
    ],
)
def test_served_journey(deployment: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    backends: dict[str, str] = request.getfixturevalue(deployment)
    with served(tmp_path / "data", backends) as (base_url, procs):
        with httpx.Client(base_url=base_url, timeout=10.0) as client:
            assert client.get("/healthz").json() == {"status": "ok"}
            run_journey(client, timeout=30.0)
            assert_error(client.get("/v1/nope"), 404, "not_found")
            assert_error(client.delete("/healthz"), 405, "method_not_allowed")
            unauthorized = client.get("/v1/feed")
            assert_error(unauthorized, 401)
            assert unauthorized.headers["www-authenticate"].startswith("Bearer")
            assert "feedcore_http_request_duration_seconds" in client.get("/metrics").text
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        # uvicorn re-raises SIGTERM after its graceful shutdown; worker and relay exit 0
        codes = [proc.wait(STOP_TIMEOUT) for proc in procs]
        assert codes[0] in (0, -signal.SIGTERM) and codes[1:] == [0] * (len(codes) - 1), codes
    assert "Application shutdown complete" in (tmp_path / "data" / "serve.log").read_text()
