"""The fault-injection journey: steady writes (posts, likes) and reads over HTTP while the suite
SIGKILLs the relay, the worker and the API, restarts Redis (the cache is lost), restarts and
kill -9s PostgreSQL, and restarts the broker, each on its own, the other processes left running.

It asserts that every acknowledged post is in every follower's feed exactly once, that like and
follower counters are exact, that no answer was a 5xx other than 503 and none took more than
10 s, that each fault was recovered from within 10 s of the broken piece coming back (from a
restarted process's first sign of work, or a service's port answering, to a new post
acknowledged and in a follower's feed: a process's start-up is not counted), that feeds cached
before a store outage are served during it, and that nobody has to log in again after the cache
is lost; then it prints one summary line with these figures.

tansu keeps its log in memory, so its restart loses the log as a broker that lost its disk would
(a real broker keeps it): the load pauses until everything published has been handled, then the
broker is killed, writes go on while it is down (the outbox holds their events) and it starts
again empty. The bus must heal by itself: the relay's producer, the workers' members (their
offsets are now past the log end) and the lost topics.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fixtures.report import Report
from tests.http.client import ApiUser, signup

from .deployment import Deployment
from .load import REQUEST_TIMEOUT, Load, Records, call, like

pytestmark = [pytest.mark.faults, pytest.mark.slow, pytest.mark.timeout(900)]

USERS = 10
FOLLOWS = 4
"""Each user follows the next FOLLOWS users (mod USERS)."""
RECOVERY_LIMIT = 10.0
DOWN = 1.5
"""Seconds a broken service stays down before it is started again."""
STEADY = 4.0
"""Seconds of plain load between faults."""
SETTLE = 90.0
DEGRADED = "x-feedcore-degraded"
NEAR_CACHE_TTL = 5.0
"""The API's near_cache_ttl (the default)."""


def feed_ids(client: httpx.Client, user: ApiUser) -> list[str] | None:
    """Every post id of the user's home feed (all pages), or None if a page failed."""
    ids: list[str] = []
    cursor = None
    for _ in range(100):
        params: dict[str, Any] = {"limit": 100, **({"cursor": cursor} if cursor else {})}
        response = client.get("/v1/feed", headers=user.auth, params=params, timeout=REQUEST_TIMEOUT)
        if response.status_code != 200:
            return None
        page = response.json()
        ids += [item["post"]["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return ids
    raise AssertionError("feed pagination did not end")


class Probe:
    """Posts by ``author`` that ``reader`` (its only follower) must see: the recovery clock."""

    def __init__(self, client: httpx.Client, records: Records, author: ApiUser, reader: ApiUser) -> None:
        self.client, self.records, self.author, self.reader = client, records, author, reader
        self.count = 0

    def drained(self, limit: float = 60.0) -> None:
        """Wait until every event written so far has been handled: twice, a new post is in the
        reader's feed and the reader's like of it is counted. One partition a topic keeps events
        in order; the second round is published after every event of the relay's batch that
        published the first, whatever their shards."""
        started = time.monotonic()
        for _ in range(2):
            assert self.recovered(time.monotonic(), limit) < limit, "the pipeline did not drain"
            post_id = max(p for p, a in self.records.posts.items() if a == self.author.id)
            assert like(self.client, self.records, [self.reader], self.reader.id, post_id)
            while self.client.get(f"/v1/posts/{post_id}").json()["like_count"] != 1:
                assert time.monotonic() - started < limit, "the interactions group did not drain"
                time.sleep(0.1)

    def recovered(self, since: float, limit: float = 60.0) -> float:
        """Seconds from ``since`` until a new probe post is acknowledged and in the reader's feed."""
        post_id: str | None = None
        while time.monotonic() - since < limit:
            if post_id is None:
                self.count += 1
                response = call(
                    self.client,
                    self.records,
                    "POST",
                    "/v1/posts",
                    headers=self.author.auth,
                    json={"text": f"probe {self.count}"},
                )
                if response is not None and response.status_code == 201:
                    post_id = response.json()["id"]
                    with self.records.lock:
                        self.records.posts[post_id] = self.author.id
                elif response is None:
                    with self.records.lock:
                        self.records.unknown_posts[f"probe {self.count}"] = self.author.id
            if post_id is not None:
                response = call(
                    self.client, self.records, "GET", "/v1/feed", headers=self.reader.auth, params={"limit": 5}
                )
                seen = response.json()["items"] if response is not None and response.status_code == 200 else []
                if post_id in [i["post"]["id"] for i in seen]:
                    return time.monotonic() - since
            time.sleep(0.1)
        return float("inf")


def test_faults(tmp_path: Path, report: Report) -> None:
    started = time.monotonic()
    with Deployment(tmp_path) as d, httpx.Client(base_url=d.base_url, timeout=REQUEST_TIMEOUT) as client:
        users = [signup(client, f"user{n}") for n in range(USERS)]
        followers: dict[str, set[str]] = {u.id: set() for u in users}
        for i, user in enumerate(users):
            for k in range(1, FOLLOWS + 1):
                followee = users[(i + k) % USERS]
                assert client.put(f"/v1/me/following/{followee.id}", headers=user.auth).status_code == 204
                followers[followee.id].add(user.id)
        author, reader = signup(client, "probe_author"), signup(client, "probe_reader")
        assert client.put(f"/v1/me/following/{author.id}", headers=reader.auth).status_code == 204
        followers[author.id] = {reader.id}
        everyone = [*users, author, reader]
        for user in everyone:
            assert client.get("/v1/feed", headers=user.auth).status_code == 200  # materialised and cached

        records = Records()
        probe = Probe(client, records, author, reader)
        assert probe.recovered(time.monotonic(), limit=60.0) < 60.0, "the deployment never delivered a post"
        store_down_reads: dict[str, Counter[str]] = {}

        def cache_feed() -> None:
            """Read the reader's feed through the cache (not degraded), twice, a near-cache TTL
            apart: the API vouches for a session in the shared cache only when its own near cache
            has forgotten it, so after the cache was lost a session is vouched again only then."""
            for _ in range(2):
                time.sleep(NEAR_CACHE_TTL + 0.5)
                for _ in range(100):
                    response = call(client, records, "GET", "/v1/feed", headers=reader.auth, params={"limit": 5})
                    if response is not None and response.status_code == 200 and DEGRADED not in response.headers:
                        break
                    time.sleep(0.1)
                else:
                    raise AssertionError("the reader's feed could not be read through the cache")

        def read_while_down(fault: str) -> None:
            """Feed reads of cached feeds while the store is down (README: they are served)."""
            reads = store_down_reads.setdefault(fault, Counter())
            until = time.monotonic() + DOWN
            while time.monotonic() < until:
                response = call(client, records, "GET", "/v1/feed", headers=reader.auth, params={"limit": 5})
                outcome = str(response.status_code) if response is not None else "no answer"
                if outcome != "200" and response is not None:
                    outcome += f" {response.text[:300]}"
                reads[outcome] += 1
                time.sleep(0.1)

        def crash_pg() -> None:
            cache_feed()
            d.pg.crash()
            read_while_down("kill -9")
            d.pg.start_after_crash()

        def restart_pg() -> None:
            cache_feed()
            d.pg.cluster.stop()
            read_while_down("restart")
            d.pg.cluster.start()

        def restart_broker() -> None:
            load.pause()
            probe.drained()
            d.broker.kill()
            load.resume()
            time.sleep(DOWN)
            d.broker.start()

        def kill_and_start(server: Any) -> Callable[[], None]:
            def fault() -> None:
                server.kill()
                time.sleep(DOWN)
                server.start()

            return fault

        def note(text: str) -> None:
            """A line in logs/faults.log, to read beside the processes' logs."""
            with (tmp_path / "logs" / "faults.log").open("a") as timeline:
                print(f"{datetime.now():%H:%M:%S.%f} {text}", file=timeline)

        relogins: list[str] = []

        def lose_cache() -> None:
            kill_and_start(d.redis)()
            for user in everyone:  # the sessions live in the store: every token still works
                if client.get("/v1/me", headers=user.auth).status_code == 401:
                    relogins.append(user.handle)

        faults: list[tuple[str, Callable[[], None]]] = [
            ("relay", kill_and_start(d.relay)),
            ("worker", kill_and_start(d.worker)),
            ("api", kill_and_start(d.api)),
            ("redis", lose_cache),
            ("postgres restart", restart_pg),
            ("postgres kill -9", crash_pg),
            ("broker", restart_broker),
        ]
        load = Load(d.base_url, users, records)
        load.start()
        recovery: dict[str, float] = {}
        try:
            time.sleep(STEADY)
            for name, fault in faults:
                note(f"{name}: breaking")
                fault()
                note(f"{name}: back")
                recovery[name] = probe.recovered(time.monotonic())
                note(f"{name}: recovered")
                time.sleep(STEADY)
        finally:
            load.stop()
        alive = {s.name: s.proc is not None and s.proc.poll() is None for s in (d.api, d.relay, d.worker)}
        refresh = client.post(
            "/v1/auth/token", data={"grant_type": "refresh_token", "refresh_token": reader.refresh_token}
        )

        # settle: retry likes that never got an answer, then wait for feeds and counters
        for user_id, post_id in sorted(records.pending_likes):
            like(client, records, everyone, user_id, post_id)
        liked = Counter(post_id for _, post_id in records.likes)
        by_author: dict[str, set[str]] = {}
        for post_id, author_id in records.posts.items():
            by_author.setdefault(author_id, set()).add(post_id)

        def feeds_complete() -> dict[str, tuple[set[str], list[str]]]:
            """Per follower: (missing acknowledged posts, duplicated ids)."""
            result = {}
            for user in [*users, reader]:
                ids = feed_ids(client, user) or []
                expected = set().union(*(by_author.get(a, set()) for a, f in followers.items() if user.id in f))
                result[user.handle] = (expected - set(ids), [i for i, n in Counter(ids).items() if n > 1])
            return result

        deadline = time.monotonic() + SETTLE
        state = feeds_complete()
        while any(m or dup for m, dup in state.values()) and time.monotonic() < deadline:
            time.sleep(1.0)
            state = feeds_complete()
        wrong_counts: dict[str, tuple[int, int]] = {}
        while time.monotonic() < deadline:
            wrong_counts = {}
            for post_id in records.posts:
                found = client.get(f"/v1/posts/{post_id}").json().get("like_count")
                if found != liked[post_id]:
                    wrong_counts[post_id] = (found, liked[post_id])
            if not wrong_counts:
                break
            time.sleep(1.0)
        wrong_followers = {
            u.handle: n
            for u in everyone
            if (n := client.get(f"/v1/users/{u.id}").json()["follower_count"]) != len(followers.get(u.id, ()))
        }

    lost = sum(len(missing) for missing, _ in state.values())
    duplicated = sum(len(dup) for _, dup in state.values())
    fives = sum(n for s, n in records.statuses.items() if s.startswith("5"))
    answers = sum(n for s, n in records.statuses.items() if s[:1].isdigit())
    slowest = max(recovery.values())
    report(
        f"faults: {len(records.posts)} acknowledged posts, {len(records.likes)} likes, {answers} answers; "
        f"lost {lost}, duplicated {duplicated}, wrong like counters {len(wrong_counts)}, wrong follower "
        f"counters {len(wrong_followers)}; 5xx other than 503: {len(records.server_errors)} (503: "
        f"{records.statuses['503']} of {fives} 5xx); requests over {REQUEST_TIMEOUT:.0f} s: {records.hung}, slowest "
        f"{records.slowest:.1f} s; recovery (s): "
        + ", ".join(f"{name} {seconds:.1f}" for name, seconds in recovery.items())
        + "; cached feed reads served while the store was down: "
        + ", ".join(f"{fault} {reads['200']} of {sum(reads.values())}" for fault, reads in store_down_reads.items())
        + f"; re-logins after the cache was lost: {len(relogins)}; run {time.monotonic() - started:.0f} s"
    )
    checks = {
        "every process alive": (all(alive.values()), alive),
        "no post lost or duplicated": (lost == duplicated == 0, {h: s for h, s in state.items() if s[0] or s[1]}),
        "like counters exact": (not wrong_counts, wrong_counts),
        "follower counters exact": (not wrong_followers, wrong_followers),
        "no 5xx but 503": (not records.server_errors, records.server_errors[:5]),
        "no request over 10 s": (records.hung == 0, records.statuses),
        f"each fault recovered within {RECOVERY_LIMIT:.0f} s": (slowest <= RECOVERY_LIMIT, recovery),
        "cached feeds served while the store is down": (
            all(reads["200"] == sum(reads.values()) for reads in store_down_reads.values()),
            store_down_reads,
        ),
        "no re-login after the cache is lost": (not relogins and refresh.status_code == 200, (relogins, refresh.text)),
    }
    failed = {name: detail for name, (ok, detail) in checks.items() if not ok}
    assert not failed, "\n".join(f"{name}: {detail}" for name, detail in failed.items())
