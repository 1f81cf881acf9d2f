"""Steady writes (posts, likes) and feed reads over HTTP from threads, every request recorded.

A write is *acknowledged* when the API answered it with success. A post whose request failed
without an answer (the API was killed, the connection dropped) has an unknown outcome: it may
exist, and then must be in feeds exactly once too. Likes are idempotent, so a like that failed
is simply tried again later until it is acknowledged.
"""

from __future__ import annotations

import itertools
import random
import threading
import time
from collections import Counter
from collections.abc import Callable

import attrs
import httpx

from tests.http.client import ApiUser

REQUEST_TIMEOUT = 10.0
"""A request still unanswered after this long counts as hanging."""
PAUSE = 0.2
"""Seconds each load thread waits between its requests."""


@attrs.define
class Records:
    """What the load saw; shared by the threads, guarded by ``lock``."""

    lock: threading.Lock = attrs.field(factory=threading.Lock)
    statuses: Counter[str] = attrs.field(factory=Counter)
    slowest: float = 0.0
    hung: int = 0
    posts: dict[str, str] = attrs.field(factory=dict)
    """Acknowledged post id -> author id."""
    unknown_posts: dict[str, str] = attrs.field(factory=dict)
    """Text of a post whose outcome is unknown -> author id."""
    likes: set[tuple[str, str]] = attrs.field(factory=set)
    """Acknowledged (user id, post id)."""
    pending_likes: set[tuple[str, str]] = attrs.field(factory=set)
    server_errors: list[str] = attrs.field(factory=list)
    """5xx answers other than 503, with their bodies."""

    def saw(self, outcome: str, seconds: float, detail: str = "") -> None:
        with self.lock:
            self.statuses[outcome] += 1
            self.slowest = max(self.slowest, seconds)
            if outcome == "timeout":
                self.hung += 1
            if outcome.startswith("5") and outcome != "503":
                self.server_errors.append(f"{outcome} {detail[:300]}")


def call(client: httpx.Client, records: Records, method: str, url: str, **kwargs: object) -> httpx.Response | None:
    """One recorded request; None when it got no answer (refused, dropped, timed out)."""
    started = time.monotonic()
    try:
        response = client.request(method, url, timeout=REQUEST_TIMEOUT, **kwargs)  # type: ignore[arg-type]
    except httpx.TimeoutException:
        records.saw("timeout", time.monotonic() - started)
        return None
    except httpx.TransportError as exc:
        records.saw(f"no answer ({type(exc).__name__})", time.monotonic() - started)
        return None
    records.saw(str(response.status_code), time.monotonic() - started, response.text)
    return response


class Load:
    """Writer, liker and reader threads over ``users`` until :meth:`stop`."""

    def __init__(self, base_url: str, users: list[ApiUser], records: Records, seed: int = 11) -> None:
        self.base_url = base_url
        self.users = users
        self.records = records
        self._stop = threading.Event()
        self._running = threading.Event()
        self._running.set()
        self._busy = threading.Semaphore(0)
        """Released once by each thread when a pause finds it idle."""
        self._random = random.Random(seed)
        self._numbers = itertools.count()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        loops: list[Callable[[httpx.Client], None]] = [self._post, self._post, self._like, self._like, self._read]
        for n, loop in enumerate(loops):
            thread = threading.Thread(target=self._run, args=(loop,), name=f"load-{n}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def pause(self) -> None:
        """Stop sending; returns once no request is in flight."""
        self._running.clear()
        for _ in self._threads:
            self._busy.acquire(timeout=2 * REQUEST_TIMEOUT)

    def resume(self) -> None:
        self._running.set()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=2 * REQUEST_TIMEOUT)

    def _run(self, loop: Callable[[httpx.Client], None]) -> None:
        with httpx.Client(base_url=self.base_url) as client:
            while not self._stop.is_set():
                if self._running.is_set():
                    loop(client)
                    self._stop.wait(PAUSE)
                else:
                    self._busy.release()
                    while not self._running.wait(PAUSE) and not self._stop.is_set():
                        pass

    def _pick(self) -> ApiUser:
        with self.records.lock:
            return self._random.choice(self.users)

    def _post(self, client: httpx.Client) -> None:
        author = self._pick()
        text = f"post {next(self._numbers)} by {author.handle}"
        response = call(client, self.records, "POST", "/v1/posts", headers=author.auth, json={"text": text})
        with self.records.lock:
            if response is not None and response.status_code == 201:
                self.records.posts[response.json()["id"]] = author.id
            elif response is None:
                self.records.unknown_posts[text] = author.id

    def _like(self, client: httpx.Client) -> None:
        with self.records.lock:
            if self.records.pending_likes and self._random.random() < 0.5:
                user_id, post_id = self.records.pending_likes.pop()
            elif self.records.posts:
                user_id = self._random.choice(self.users).id
                post_id = self._random.choice(list(self.records.posts))
            else:
                return
        like(client, self.records, self.users, user_id, post_id)

    def _read(self, client: httpx.Client) -> None:
        reader = self._pick()
        call(client, self.records, "GET", "/v1/feed", headers=reader.auth, params={"limit": 20})


def like(client: httpx.Client, records: Records, users: list[ApiUser], user_id: str, post_id: str) -> bool:
    """Like ``post_id`` as ``user_id``; remembered as pending unless acknowledged."""
    user = next(u for u in users if u.id == user_id)
    response = call(client, records, "PUT", f"/v1/posts/{post_id}/like", headers=user.auth)
    done = response is not None and response.status_code == 204
    with records.lock:
        if done:
            records.likes.add((user_id, post_id))
            records.pending_likes.discard((user_id, post_id))
        else:
            records.pending_likes.add((user_id, post_id))
    return done
