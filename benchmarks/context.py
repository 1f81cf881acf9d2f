"""What scenarios share: sizes for --quick and full runs, the environment, the data, output."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from feedcore import Platform

from .datasets import PULL_THRESHOLD, Data
from .env import BenchEnv
from .processes import ROOT


@attrs.frozen
class Sizes:
    users: int
    readers_per_group: int
    threads: int
    seconds: float
    reps: int
    warmup: float
    fanout: tuple[int, ...]
    curve_fractions: tuple[float, ...]
    curve_seconds: float
    http_seconds: float
    hybrid_users: int
    hybrid_writes: int
    hybrid_ratios: tuple[float, ...]
    """Reads per write the hybrid scenario simulates."""
    mixed_rates: tuple[float, ...]
    mixed_seconds: float
    warmup_seconds: float
    capacity_seconds: float
    """Each step of the capacity search."""
    capacity_steps: int
    overload_seconds: float
    recovery_seconds: float


QUICK = Sizes(
    users=4000,
    readers_per_group=20,
    threads=4,
    seconds=1.0,
    reps=2,
    warmup=0.3,
    fanout=(1000, 3000),
    curve_fractions=(0.5,),
    curve_seconds=1.0,
    http_seconds=2.0,
    hybrid_users=100,
    hybrid_writes=5,
    hybrid_ratios=(0.1, 1.0, 10.0),  # 100:1 reads every pulled timeline thousands of times
    mixed_rates=(100.0, 300.0),
    mixed_seconds=3.0,
    warmup_seconds=1.0,
    capacity_seconds=1.0,
    capacity_steps=2,
    overload_seconds=2.0,
    recovery_seconds=2.0,
)
FULL = Sizes(
    users=100_100,
    readers_per_group=100,
    threads=4,
    seconds=5.0,
    reps=5,
    warmup=2.0,
    fanout=(10_000, 100_000),
    curve_fractions=(0.25, 0.5, 0.75, 0.9, 1.0),
    curve_seconds=5.0,
    http_seconds=15.0,
    hybrid_users=500,
    hybrid_writes=20,
    hybrid_ratios=(0.1, 1.0, 10.0, 100.0),
    mixed_rates=(580.0, 1740.0),
    mixed_seconds=60.0,
    warmup_seconds=5.0,
    capacity_seconds=15.0,
    capacity_steps=10,
    overload_seconds=30.0,
    recovery_seconds=10.0,
)


@attrs.define
class Ctx:
    env: BenchEnv
    sizes: Sizes
    quick: bool
    echo: Callable[[str], None]
    data: Data | None = None
    done: list[dict[str, Any]] = attrs.field(factory=list)
    """The entries of the scenarios already run (later ones compare with earlier baselines)."""
    _platforms: dict[str, Platform] = attrs.field(factory=dict)
    _clients: list[Any] = attrs.field(factory=list)

    def platform(self, name: str = "default", **overrides: Any) -> Platform:
        """A platform over the run's services (one per distinct settings), closed at the end."""
        if name not in self._platforms:
            overrides.setdefault("pull_threshold", PULL_THRESHOLD)
            self._platforms[name] = self.env.open(**overrides)
        return self._platforms[name]

    def server_env(self, p: Platform) -> dict[str, str]:
        """Environment of a server on the run's services, configured like ``p`` (and of the bare
        ASGI baseline, which reads the ``FEEDCORE_BENCH_*`` variables)."""
        env = self.env.env_vars(pull_threshold=p.settings.pull_threshold)
        env.update(
            FEEDCORE_BENCH_REDIS_URL=self.env.redis_url,
            FEEDCORE_BENCH_NAMESPACE=self.env.namespace,
            PYTHONPATH=str(ROOT),
        )
        return env

    def redis(self) -> Any:
        """A redis-py client on the run's Redis, closed at the end."""
        client = self.env.redis()
        self._clients.append(client)
        return client

    def close(self) -> None:
        for p in self._platforms.values():
            p.close()
        for client in self._clients:
            client.close()


def result(name: str, target: float | None, ratio: float | None, **fields: Any) -> dict[str, Any]:
    """One scenario's entry in the report; ``met`` compares ``ratio`` with ``target`` (higher is better)."""
    out: dict[str, Any] = {"name": name, "ratio": ratio, "target": target}
    if ratio is not None and target is not None:
        out["met"] = ratio >= target
    out.update(fields)
    return out
