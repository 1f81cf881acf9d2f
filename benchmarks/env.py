"""Throwaway services for a benchmark run: PostgreSQL databases created and dropped, a Redis
key namespace deleted afterwards; platforms opened over them; machine facts and CPU meters."""

from __future__ import annotations

import os
import platform as host
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import attrs

from feedcore import Platform, Settings

DATABASES = 2
LOGICAL_SHARDS = 4


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    info: dict[str, Any] = {"cpus": os.cpu_count(), "python": host.python_version(), "system": host.platform()}
    try:
        with open("/proc/cpuinfo") as f:
            model = [line for line in f if line.startswith("model name")]
        info["cpu"] = model[0].split(":", 1)[1].strip() if model else "?"
        with open("/proc/meminfo") as f:
            info["memory_gb"] = round(int(f.readline().split()[1]) / 2**20, 1)
    except OSError:
        pass
    return info


@attrs.define
class BenchEnv:
    pg_dsn: str
    redis_url: str
    names: list[str] = attrs.field(factory=list)
    namespace: str = attrs.field(factory=lambda: f"fcbench{uuid.uuid4().hex[:8]}")
    data_dir: str = attrs.field(factory=lambda: f"/tmp/fcbench-{uuid.uuid4().hex[:8]}")

    server: tuple[str, str, int] = ("postgres", "127.0.0.1", 5432)
    """(user, host, port) of the PostgreSQL server."""

    @property
    def database_url(self) -> str:
        user, host, port = self.server
        return ",".join(f"postgresql+psycopg://{user}@{host}:{port}/{n}" for n in self.names)

    @property
    def dsns(self) -> list[str]:
        user, host, port = self.server
        return [f"host={host} port={port} user={user} dbname={n}" for n in self.names]

    def settings(self, **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "data_dir": self.data_dir,
            "database_url": self.database_url,
            "logical_shards": LOGICAL_SHARDS,
            "cache_url": self.redis_url,
            "namespace": self.namespace,
            "secret_key": "bench-secret-key-bench-secret-key-bench",
            "rate_limit": "100000000/minute",
            "anonymous_rate_limit": "100000000/minute",
            "inline_dispatch": False,
            "database_pool_size": 8,
        }
        values.update(overrides)
        return Settings(**values)

    def env_vars(self, **overrides: Any) -> dict[str, str]:
        """The FEEDCORE_* variables that select these services (for `feedctl serve`)."""
        s = self.settings(**overrides)
        keys = (
            "data_dir",
            "database_url",
            "logical_shards",
            "cache_url",
            "namespace",
            "secret_key",
            "rate_limit",
            "anonymous_rate_limit",
            "database_pool_size",
            "pull_threshold",
        )
        out = {f"FEEDCORE_{k.upper()}": str(getattr(s, k)) for k in keys}
        out["FEEDCORE_INLINE_DISPATCH"] = "false"
        return out

    def open(self, **overrides: Any) -> Platform:
        return Platform.open(self.settings(**overrides), migrate=False)

    def redis(self) -> Any:
        import redis

        return redis.Redis.from_url(self.redis_url)

    def redis_commands(self) -> int:
        r = self.redis()
        try:
            return int(r.info("stats")["total_commands_processed"])
        finally:
            r.close()


@contextmanager
def bench_env(pg_dsn: str, redis_url: str) -> Iterator[BenchEnv]:
    """Create the databases and migrate them; drop them and the Redis namespace at the end."""
    import psycopg

    env = BenchEnv(pg_dsn, redis_url)
    admin = psycopg.connect(pg_dsn, autocommit=True, connect_timeout=5)
    env.server = (admin.info.user, admin.info.host, admin.info.port)
    try:
        for i in range(DATABASES):
            name = f"{env.namespace}_{i}"
            admin.execute(f'CREATE DATABASE "{name}"')
            env.names.append(name)
        Platform.open(env.settings()).close()  # migrate
        yield env
    finally:
        for name in env.names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
        r = env.redis()
        try:
            batch = []
            for key in r.scan_iter(f"{env.namespace}*", count=5000):
                batch.append(key)
                if len(batch) >= 5000:
                    r.delete(*batch)
                    batch = []
            if batch:
                r.delete(*batch)
        finally:
            r.close()
        time.sleep(0)
