"""A production-shaped deployment that the fault suite may break: its own PostgreSQL cluster,
Redis and tansu broker, and ``feedctl serve``, ``relay`` and ``worker`` as processes.

Every piece can be crashed and started again on the same port; everything is stopped on exit.
tansu keeps its log in memory (its S3 engine, over moto, slows to a crawl as objects pile up
under steady load), so a broker restart loses the log: see the suite for how it copes.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import httpx

from tests.fixtures.buses import Tansu
from tests.fixtures.pgservers import PG_BIN, PgCluster, service_dir
from tests.fixtures.services import free_port, port_open, stop_processes, unavailable, wait_for

BIN = Path(sys.executable).parent
START_TIMEOUT = 60.0
BUS_OPTIONS = "session_timeout_ms=2000&heartbeat_interval_ms=400&timeout=10&partitions=1"
"""Group timings for tansu (which accepts sessions under Kafka's 6 s minimum); one partition a
topic, so a probe event that was handled proves every earlier event of its topic was too."""


class Server:
    """A process (on a fixed loopback port, unless ``port`` is 0) that can be crashed (SIGKILL)
    and started again the same way. Without a port, ``ready`` is the log line that says it is
    at work."""

    def __init__(
        self,
        name: str,
        command: list[str],
        port: int,
        log: Path,
        env: dict[str, str] | None = None,
        ready: str = "",
    ) -> None:
        self.name = name
        self.command = command
        self.port = port
        self.log = log
        self.env = env
        self.ready = ready
        self.proc: subprocess.Popen[bytes] | None = None

    def _readies(self) -> int:
        return self.log.read_text(errors="replace").count(self.ready) if self.log.exists() else 0

    def start(self, ready: float = START_TIMEOUT, *, first: bool = False) -> None:
        """Start the process and wait until it is up; raise AssertionError if it does not come
        up (``first``: the deployment cannot be had, which skips the suite, or fails it in CI)."""
        seen = self._readies()
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                self.command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=self.env
            )
        if not self.port:
            wait_for(lambda: self._readies() > seen or self.proc.poll() is not None, self.name, ready)
            return
        try:
            wait_for(lambda: port_open("127.0.0.1", self.port, 0.2) or self.proc.poll() is not None, self.name, ready)
        except TimeoutError:
            pass
        if self.proc.poll() is not None or not port_open("127.0.0.1", self.port, 0.2):
            why = f"{self.name} did not start on port {self.port}: {self.log.read_text(errors='replace')[-800:]}"
            if first:
                unavailable(why)
            raise AssertionError(why)

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None:
            stop_processes([self.proc])


class Postgres:
    """The deployment's own PostgreSQL cluster (initdb on a free port, as the postgres user)."""

    def __init__(self, workdir: Path) -> None:
        if not (PG_BIN / "initdb").exists():
            unavailable(f"no PostgreSQL server binaries in {PG_BIN} (set FEEDCORE_TEST_PG_BIN)")
        try:
            self.cluster = PgCluster.primary(workdir)
        except (RuntimeError, TimeoutError) as exc:
            unavailable(f"could not start a private PostgreSQL: {exc}")

    @property
    def url(self) -> str:
        return self.cluster.url()

    def restart(self) -> None:
        """A clean restart (fast shutdown, then start)."""
        self.cluster.stop()
        self.cluster.start()

    def crash(self) -> None:
        """kill -9 the postmaster and every backend (pg_ctl starts it as a process-group leader)."""
        pid = int((self.cluster.data / "postmaster.pid").read_text().split()[0])
        os.killpg(pid, signal.SIGKILL)
        wait_for(lambda: not port_open("127.0.0.1", self.cluster.port, 0.1), "PostgreSQL to die", 10)

    def start_after_crash(self) -> None:
        """Start again; crash recovery runs first (retried while the dead backends let go)."""
        for attempt in range(20):
            try:
                self.cluster.start()
                return
            except RuntimeError:
                if attempt == 19:
                    raise
                time.sleep(0.25)

    def stop(self) -> None:
        self.cluster.stop()


class Deployment:
    """PostgreSQL, Redis, moto + tansu, and the three feedctl processes, on loopback."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.logs = root / "logs"
        self.logs.mkdir(parents=True)
        self._stack = ExitStack()
        self.workdir = service_dir("feedcore-faults-")
        self._stack.callback(shutil.rmtree, self.workdir, True)

    def __enter__(self) -> Deployment:
        try:
            self._start()
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def _start(self) -> None:
        self.pg = Postgres(self.workdir)
        self._stack.callback(self.pg.stop)
        redis_binary = shutil.which("redis-server")
        if redis_binary is None:
            unavailable("redis-server is not installed")
        port = free_port()
        self.redis = self._server(
            "redis",
            [redis_binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            port,
        )
        self.broker = Tansu(self.logs / "tansu.log")
        self.broker.start()
        self._stack.callback(self.broker.kill)

        self.base_url = f"http://127.0.0.1:{free_port()}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("FEEDCORE_")}
        env.update(
            {
                "FEEDCORE_DATA_DIR": str(self.root / "data"),
                "FEEDCORE_DATABASE_URL": self.pg.url,
                "FEEDCORE_CACHE_URL": f"redis://127.0.0.1:{self.redis.port}/0",
                "FEEDCORE_BUS_URL": f"kafka://127.0.0.1:{self.broker.port}?{BUS_OPTIONS}",
                "FEEDCORE_SECRET_KEY": "fault-suite-secret-key-0123456789abcdef",
                "FEEDCORE_PASSWORD_COST": "16",
                "FEEDCORE_RATE_LIMIT": "1000000/minute",
                "FEEDCORE_ANONYMOUS_RATE_LIMIT": "1000000/minute",
            }
        )
        feedctl = str(BIN / "feedctl")
        api_port = int(self.base_url.rsplit(":", 1)[1])
        serve = [feedctl, "serve", "--host", "127.0.0.1", "--port", str(api_port), "--no-access-log"]
        subprocess.run([feedctl, "migrate"], env=env, check=True, capture_output=True, timeout=START_TIMEOUT)
        self.api = self._server("api", serve, api_port, env)
        self.relay = self._server("relay", [feedctl, "relay", "--interval", "0.1"], env=env, ready="relay publishing")
        worker = [feedctl, "worker", "--poll-timeout", "0.2"]
        self.worker = self._server("worker", worker, env=env, ready="worker consuming groups")
        wait_for(self.ready, "the API to be ready", START_TIMEOUT)

    def _server(
        self, name: str, command: list[str], port: int = 0, env: dict[str, str] | None = None, ready: str = ""
    ) -> Server:
        server = Server(name, command, port, self.logs / f"{name}.log", env, ready)
        server.start(first=True)
        self._stack.callback(server.stop)
        return server

    def ready(self) -> bool:
        try:
            return httpx.get(f"{self.base_url}/readyz", timeout=2.0).status_code == 200
        except httpx.TransportError:
            return False
