"""MemoryStore under concurrent writers: counters stay exact, each event is relayed once."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence

import pytest

from feedcore.backends.memory.store import MemoryStore
from feedcore.events import Event
from feedcore.ids import IdGenerator
from feedcore.model import Post, User
from tests.fixtures.events import some_event

THREADS = 8
ROUNDS = 200
CELEBRITY = 1


@pytest.fixture(autouse=True)
def _switch_threads_often() -> Iterator[None]:
    """Make the interpreter switch threads far more often, so unlocked races would show."""
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    yield
    sys.setswitchinterval(old)


def _run(threads: int, work: Callable[[int], None]) -> None:
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def target(n: int) -> None:
        try:
            barrier.wait(timeout=10)
            work(n)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    workers = [threading.Thread(target=target, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=60)
    assert not any(w.is_alive() for w in workers)
    assert errors == []


def _author(store: MemoryStore, user_id: int) -> int:
    store.create_user(User(id=user_id, handle=f"u{user_id}", display_name="A", created_at=0.0), "h")
    return user_id


def _event(new_id: IdGenerator, type_: str, key: int) -> Event:
    return some_event(type_, key, new_id(0))


def test_concurrent_writes_keep_counters_exact() -> None:
    store = MemoryStore()
    new_id = IdGenerator()
    fans = [100, 101]  # each written by several threads at once
    store.create_user(User(id=CELEBRITY, handle="celebrity", display_name="C", created_at=0.0), "h")
    for fan in fans:
        store.create_user(User(id=fan, handle=f"fan{fan}", display_name="F", created_at=0.0), "h")
    changed = [0] * THREADS  # writes that reported a change (each wrote one event)

    def work(n: int) -> None:
        fan = fans[n % len(fans)]
        for i in range(ROUNDS):
            changed[n] += store.add_follow(fan, CELEBRITY, 0.0, [_event(new_id, "follow.created", fan)])
            store.add_reverse(CELEBRITY, fan, 0.0)
            post = Post(id=new_id(0), author_id=CELEBRITY, text="t", created_at=0.0)
            store.create_post(post, [_event(new_id, "post.created", CELEBRITY)])
            changed[n] += 1 + store.add_like(fan, post.id, 0.0, [_event(new_id, "like.added", post.id)])
            if i % 2:
                deleted = store.delete_post(post.id, 0.0, [_event(new_id, "post.deleted", CELEBRITY)])
                changed[n] += deleted is not None
                changed[n] += store.remove_follow(fan, CELEBRITY, [_event(new_id, "follow.removed", fan)])
                store.remove_reverse(CELEBRITY, fan)

    _run(THREADS, work)

    users = store.get_users([CELEBRITY, *fans])
    assert users[CELEBRITY].post_count == THREADS * ROUNDS // 2
    assert users[CELEBRITY].follower_count == len(store.followers(CELEBRITY, None, 10))
    for fan in fans:
        assert users[fan].following_count == len(store.following(fan, None, 10)) == store.is_following(fan, CELEBRITY)
    live = store.posts_by_authors([CELEBRITY], None, THREADS * ROUNDS)
    assert len(live) == THREADS * ROUNDS // 2 and live == sorted(live, reverse=True)
    assert store.pending() == sum(changed)


def test_relays_racing_writers_publish_each_event_once() -> None:
    store = MemoryStore()
    new_id = IdGenerator()
    relays = 2
    for n in range(relays, THREADS):
        _author(store, n)
    published: list[int] = []
    writers_done = [0]
    lock = threading.Lock()

    def publish(events: Sequence[Event]) -> None:
        with lock:
            published.extend(e.id for e in events)

    def work(n: int) -> None:
        if n < relays:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and (writers_done[0] < THREADS - relays or store.pending()):
                store.relay(publish, limit=50)
            return
        for _ in range(ROUNDS):
            post = Post(id=new_id(0), author_id=n, text="t", created_at=0.0)
            store.create_post(post, [_event(new_id, "post.created", n)])
        with lock:
            writers_done[0] += 1

    _run(THREADS, work)

    assert store.pending() == 0
    assert len(published) == len(set(published)) == (THREADS - relays) * ROUNDS


def test_concurrent_likes_recount_exactly() -> None:
    store = MemoryStore()
    new_id = IdGenerator()
    post = Post(id=new_id(0), author_id=_author(store, 1), text="t", created_at=0.0)
    store.create_post(post)

    def work(n: int) -> None:
        for user in range(ROUNDS):
            store.add_like(user, post.id, 0.0)  # every thread likes as the same users
            store.recount_interactions([post.id])

    _run(THREADS, work)

    store.recount_interactions([post.id])
    assert store.get_posts([post.id])[post.id].like_count == ROUNDS
    assert store.liked(0, [post.id]) == {post.id}
