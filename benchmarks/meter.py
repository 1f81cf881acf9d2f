"""CPU meters for a measurement: the whole machine, the processes under test, and the rest.

The machine's busy time comes from ``/proc/stat``; a process tree's from ``/proc/<pid>/stat``
(user + system time of each live process, plus what its exited children left). What the
machine spent beyond the processes under test is "other work": a run where it exceeds
:data:`NOISY_CORES` of a core is marked noisy in the report.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["NOISY_CORES", "CpuMeter", "busy_cpu_seconds", "descendants", "service_pids", "tree_cpu_seconds"]

NOISY_CORES = 0.1
_TICK = os.sysconf("SC_CLK_TCK")


def busy_cpu_seconds() -> float:
    """CPU seconds every process on the machine has spent (all cores, since boot)."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / _TICK


def _stat(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            raw = f.read()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2 :].split()  # fields after "pid (comm)": state is [0]


def descendants(roots: Iterable[int]) -> set[int]:
    """``roots`` and every live process below them."""
    parents: dict[int, int] = {}
    for name in os.listdir("/proc"):
        if name.isdigit() and (fields := _stat(int(name))) is not None:
            parents[int(name)] = int(fields[1])
    found = {r for r in roots if r in parents}
    grew = True
    while grew:
        more = {pid for pid, ppid in parents.items() if ppid in found and pid not in found}
        found |= more
        grew = bool(more)
    return found


def tree_cpu_seconds(pids: Iterable[int]) -> dict[int, float]:
    """CPU seconds (user + system, including reaped children) of each of ``pids`` still alive."""
    out: dict[int, float] = {}
    for pid in pids:
        fields = _stat(pid)
        if fields is not None:
            out[pid] = sum(int(x) for x in fields[11:15]) / _TICK
    return out


def service_pids(redis_port: int) -> list[int]:
    """The local Redis server listening on ``redis_port`` and every PostgreSQL server process
    (the services a benchmark's requests use; their CPU is part of each request's cost)."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        program = os.path.basename(argv[0].split(b" ")[0])
        if program == b"postgres" or (program == b"redis-server" and f":{redis_port}".encode() in argv[0]):
            found.append(int(name))
    return found


class CpuMeter:
    """Measures one stretch: ``start()``, then ``stop()`` returns the figures.

    ``under_test`` names the root pids of the processes being measured (server, client,
    Redis, PostgreSQL, relay, worker); it is asked again at the end, so processes started
    meanwhile count too (from zero).
    """

    def __init__(self, under_test: Callable[[], Iterable[int]]) -> None:
        self._under_test = under_test
        self._machine0 = 0.0
        self._procs0: dict[int, float] = {}
        self._wall0 = 0.0

    def start(self) -> None:
        self._procs0 = tree_cpu_seconds(descendants(self._under_test()))
        self._machine0 = busy_cpu_seconds()
        self._wall0 = time.perf_counter()

    def stop(self) -> dict[str, Any]:
        wall = time.perf_counter() - self._wall0
        machine = busy_cpu_seconds() - self._machine0
        now = tree_cpu_seconds(descendants(self._under_test()))
        tested = sum(cpu - self._procs0.get(pid, 0.0) for pid, cpu in now.items())
        other = max(0.0, machine - tested)
        return {
            "wall_s": round(wall, 2),
            "machine_cpu_s": round(machine, 2),
            "under_test_cpu_s": round(tested, 2),
            "other_cpu_s": round(other, 2),
            "other_cores": round(other / max(wall, 1e-9), 3),
            "noisy": other / max(wall, 1e-9) > NOISY_CORES,
        }
