"""The worker and relay loops in process: delivery, graceful stop, bounded back-off."""

from __future__ import annotations

import itertools
import threading
import time
from pathlib import Path

from feedcore_worker import Backoff, run_relay, run_worker
from feedcore_worker.loops import run_loop

from feedcore import Platform, Settings
from feedcore.errors import Unavailable
from tests.fixtures.platforms import TEST_SETTINGS

from .client import PASSWORD, eventually


def test_relay_and_worker_deliver_then_stop(tmp_path: Path) -> None:
    settings = Settings(**{**TEST_SETTINGS, "data_dir": str(tmp_path), "inline_dispatch": False})
    with Platform.open(settings) as platform:
        alice, bob = (platform.users.register(h, PASSWORD) for h in ("alice", "bob"))
        platform.feeds.home(alice.id)  # materialise alice's feed, so fan-out pushes into it
        stop = threading.Event()
        results: dict[str, object] = {}
        threads = [
            threading.Thread(target=lambda: results.update(relay=run_relay(platform, stop, 0.02))),
            threading.Thread(
                target=lambda: results.update(worker=run_worker(platform, ["graph", "fanout"], stop, poll_timeout=0.05))
            ),
        ]
        for thread in threads:
            thread.start()
        try:
            platform.graph.follow(alice.id, bob.id)
            post = platform.posts.create(bob.id, "delivered by the worker")
            eventually(lambda: post.id in [i.post.id for i in platform.feeds.home(alice.id).items], timeout=10)
            eventually(lambda: platform.users.get(bob.id).follower_count == 1, timeout=10)
        finally:
            stop.set()
            for thread in threads:
                thread.join(10)
        assert not any(t.is_alive() for t in threads)
        assert results["relay"] >= 4  # type: ignore[operator]
        assert results["worker"]["graph"] >= 1 and results["worker"]["fanout"] >= 1  # type: ignore[index]
        assert platform.outbox_pending() == 0


def test_loop_backs_off_boundedly_and_recovers() -> None:
    stop = threading.Event()
    calls: list[float] = []

    def step() -> int:
        calls.append(time.monotonic())
        if len(calls) <= 4:
            raise Unavailable("broker down")
        if len(calls) == 5:
            raise RuntimeError("a bug")
        stop.set()
        return 1

    start = time.monotonic()
    assert run_loop("test", step, stop, idle=0.0, backoff=Backoff(initial=0.01, maximum=0.04)) == 1
    gaps = [b - a for a, b in itertools.pairwise(calls)]
    assert len(calls) == 6
    assert all(g >= 0.009 for g in gaps)  # never a hot loop
    assert time.monotonic() - start < 2.0  # the delay is capped


def test_backoff_doubles_to_its_cap_and_resets() -> None:
    backoff = Backoff(initial=0.1, maximum=0.5)
    assert [backoff.next() for _ in range(5)] == [0.1, 0.2, 0.4, 0.5, 0.5]
    backoff.reset()
    assert backoff.next() == 0.1
