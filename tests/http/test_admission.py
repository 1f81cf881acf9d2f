"""Admission control: reads the caches answer run on the event loop, the rest on a bounded pool
of threads, and what cannot start in time is refused at once with a JSON 503."""

from __future__ import annotations

import asyncio
import threading
import time

from feedcore_asgi.admission import Admission, LoopPolicy, Overloaded
from feedcore_asgi.application import App
from prometheus_client import CollectorRegistry, Counter

from feedcore import Settings

from .client import assert_error, signup
from .conftest import AppFactory, TestClient


def admission(**settings: float) -> Admission:
    return Admission(Settings(**settings), CollectorRegistry())


def scheduler(client: TestClient) -> Admission:
    app: App = client.app
    return app.context.admission


def runs(client: TestClient) -> dict[str, float]:
    return totals(scheduler(client).runs, "where")


def test_a_cached_read_runs_on_the_loop_and_one_needing_the_store_on_a_thread(api: TestClient) -> None:
    alice = signup(api, "alice")
    assert api.get("/v1/feed", headers=alice.auth).status_code == 200  # the first read fills the caches
    before = runs(api)
    remaining = int(api.get("/v1/feed", headers=alice.auth).headers["ratelimit-remaining"])
    after = runs(api)
    assert after.get("loop", 0) == before.get("loop", 0) + 1
    followers = api.get(f"/v1/users/{alice.id}/followers", headers=alice.auth)  # the store (SQLite)
    assert followers.status_code == 200
    assert runs(api).get("loop_then_thread", 0) == after.get("loop_then_thread", 0) + 1
    # a read run again on a thread is counted once by the rate limit
    assert int(followers.headers["ratelimit-remaining"]) == remaining - 1


def test_changes_run_on_threads(api: TestClient) -> None:
    alice = signup(api, "alice")
    before = runs(api).get("thread", 0)
    assert api.post("/v1/posts", json={"text": "hello"}, headers=alice.auth).status_code == 201
    assert runs(api)["thread"] == before + 1


def test_a_route_whose_reads_keep_needing_the_store_is_no_longer_tried_on_the_loop() -> None:
    policy = LoopPolicy()
    for _ in range(100):
        assert policy.worth_trying() or policy.fallback_share >= 0.5
        policy.record(True)
    tried = sum(policy.worth_trying() for _ in range(320))
    assert tried == 10  # one in 32 is tried again
    for _ in range(100):
        policy.record(False)
    assert policy.worth_trying()


def test_a_request_that_waited_past_its_deadline_is_refused_and_never_runs() -> None:
    gate = admission(serve_threads=1, serve_deadline=0.05)
    started: list[str] = []

    def slow() -> None:
        started.append("slow")
        time.sleep(0.3)

    def late() -> None:
        started.append("late")

    async def scenario() -> BaseException | None:
        first = asyncio.ensure_future(gate.run(slow, None))
        await asyncio.sleep(0.01)
        outcome = await asyncio.gather(gate.run(late, None), return_exceptions=True)
        await first
        return outcome[0]

    refused = asyncio.run(scenario())
    gate.close()
    assert isinstance(refused, Overloaded) and "deadline" in refused.message
    assert started == ["slow"]
    assert shed(gate) == {"deadline": 1.0}


def test_a_full_queue_refuses_at_once() -> None:
    gate = admission(serve_threads=1, serve_queue=1, serve_deadline=5.0)
    release = threading.Event()

    async def scenario() -> list[object]:
        held = [asyncio.ensure_future(gate.run(release.wait, None)) for _ in range(2)]
        await asyncio.sleep(0.05)
        started = time.monotonic()
        refused = await asyncio.gather(gate.run(lambda: True, None), return_exceptions=True)
        assert time.monotonic() - started < 0.05
        release.set()
        return [*refused, *(await asyncio.gather(*held))]

    refused, *served = asyncio.run(scenario())
    gate.close()
    assert isinstance(refused, Overloaded)
    assert served == [True, True]
    assert shed(gate) == {"queue_full": 1.0}


def test_requests_are_refused_while_the_loop_stays_late_and_served_once_it_catches_up() -> None:
    gate = admission(serve_max_lag=0.05)

    async def scenario() -> tuple[str, BaseException | str, str]:
        watcher = asyncio.ensure_future(gate.watch())
        await asyncio.sleep(0.03)
        time.sleep(0.2)  # one pause (a garbage collection, say): not overload
        await asyncio.sleep(0.001)  # the watcher's overdue tick runs first
        once = await gate.run(lambda: "served", LoopPolicy())
        for _ in range(3):  # a standing backlog: every tick late
            time.sleep(0.1)
            await asyncio.sleep(0.001)
        during = (await asyncio.gather(gate.run(lambda: "served", LoopPolicy()), return_exceptions=True))[0]
        await asyncio.sleep(0.05)
        after = await gate.run(lambda: "served", LoopPolicy())
        watcher.cancel()
        return once, during, after

    once, during, after = asyncio.run(scenario())
    assert once == "served"
    assert isinstance(during, Overloaded) and "loop lag" in during.message
    assert after == "served"
    assert shed(gate) == {"loop_lag": 1.0}


def test_a_refused_request_is_a_json_503_with_retry_after(app_factory: AppFactory) -> None:
    api = app_factory(serve_max_lag=0.05)
    scheduler(api).lagging = True  # as its watcher finds while the loop stays late
    refused = api.get("/v1/feed")
    assert_error(refused, 503, "overloaded")
    assert refused.headers["retry-after"] == "1"
    scheduler(api).lagging = False
    assert 'feedcore_http_shed_total{reason="loop_lag"} 1.0' in api.get("/metrics").text.splitlines()


def shed(gate: Admission) -> dict[str, float]:
    return totals(gate.shed, "reason")


def totals(counter: Counter, label: str) -> dict[str, float]:
    """Each ``label`` value's total in ``counter``."""
    return {s.labels[label]: s.value for s in counter.collect()[0].samples if s.name.endswith("_total")}
