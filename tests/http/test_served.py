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
from tests.fixtures.stores import PgDatabases

from .client import ApiUser, assert_error, eventually, run_journey, signup

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
    if len(commands) > 1:  # as README says: create the platform once, then start its processes
        subprocess.run([FEEDCTL, "init"], env=env, check=True, capture_output=True, timeout=START_TIMEOUT)
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


@pytest.fixture
def production(
    pg_databases: PgDatabases, redis_url: str, kafka_url: str, s3_endpoint: str, aws_credentials: None
) -> dict[str, str]:
    """PostgreSQL (4 logical shards over 2 databases), Redis, Kafka (tansu) and S3 (moto)."""
    pg_databases.empty()
    namespace = f"t{uuid.uuid4().hex[:10]}"
    return {
        "FEEDCORE_DATABASE_URL": ",".join(pg_databases.urls),
        "FEEDCORE_LOGICAL_SHARDS": "4",
        "FEEDCORE_CACHE_URL": redis_url,
        "FEEDCORE_BUS_URL": kafka_url,
        "FEEDCORE_MEDIA_URL": f"s3://{namespace}/media?endpoint_url={s3_endpoint}&presign=3600",
        "FEEDCORE_NAMESPACE": namespace,
    }


@pytest.mark.slow
@pytest.mark.parametrize(
    "deployment",
    [
        "embedded",
        pytest.param("shared_services", marks=pytest.mark.integration),
        pytest.param("production", marks=pytest.mark.integration),
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


@pytest.mark.slow
@pytest.mark.integration
def test_a_killed_worker_resumes_without_losing_or_duplicating(production: dict[str, str], tmp_path: Path) -> None:
    """SIGKILL the worker while posts flow; a new worker resumes from the committed offsets and
    every follower feed ends with each post exactly once, the counters exact."""
    data_dir = tmp_path / "data"
    with served(data_dir, production) as (base_url, procs), httpx.Client(base_url=base_url, timeout=10.0) as client:
        author = signup(client, "author")
        fans = [signup(client, f"fan{n}") for n in range(3)]
        for fan in fans:
            assert client.put(f"/v1/me/following/{author.id}", headers=fan.auth).status_code == 204
            assert client.get("/v1/feed", headers=fan.auth).status_code == 200  # materialise the feed
        eventually(lambda: client.get(f"/v1/users/{author.id}").json()["follower_count"] == 3, timeout=30)

        posted: list[str] = []
        worker = procs[2]
        for n in range(30):
            response = client.post("/v1/posts", headers=author.auth, json={"text": f"post {n}"})
            assert response.status_code == 201, response.text
            posted.append(response.json()["id"])
            if n == 10:
                worker.kill()  # no graceful shutdown: whatever it polled but did not commit comes again
                worker.wait(STOP_TIMEOUT)
        for post_id in posted[:5]:
            for fan in fans:
                assert client.put(f"/v1/posts/{post_id}/like", headers=fan.auth).status_code == 204

        env = {k: v for k, v in os.environ.items() if not k.startswith("FEEDCORE_")}
        env.update({"FEEDCORE_DATA_DIR": str(data_dir), "FEEDCORE_PASSWORD_COST": "16", **production})
        with _process(["worker", "--poll-timeout", "0.2"], env, data_dir / "worker-2.log"):

            def complete(fan: ApiUser) -> list[str] | None:
                ids = [
                    i["post"]["id"]
                    for i in client.get("/v1/feed", headers=fan.auth, params={"limit": 100}).json()["items"]
                ]
                return ids if set(ids) == set(posted) else None

            for fan in fans:
                ids = eventually(lambda fan=fan: complete(fan), timeout=60)
                assert len(ids) == len(set(ids)) == len(posted)
                assert ids == sorted(ids, key=int, reverse=True)

            def liked_counts() -> bool:
                return all(client.get(f"/v1/posts/{pid}").json()["like_count"] == 3 for pid in posted[:5])

            eventually(liked_counts, timeout=60)
            assert client.get(f"/v1/users/{author.id}").json()["follower_count"] == 3
