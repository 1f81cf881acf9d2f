"""The data every scenario reads: a seeded network without hubs (push feeds), hub authors
with readers following 1, 5 or 20 of them (pull feeds), and fan-out authors."""

from __future__ import annotations

import random
from typing import Any

import attrs

from feedcore import Platform
from feedcore.ids import id_at, shard_of
from feedcore.model import Post, User
from feedcore.ports import Timeline
from feedcore.seeding import NetworkSpec, ProgressBars, load_network

PULL_THRESHOLD = 1000
HUBS = 20
PULL_GROUPS = (1, 5, 20)
HUB_POSTS = 40


@attrs.define
class Data:
    spec: NetworkSpec
    ids: list[int]
    active: list[int]
    zipf: list[int]
    """Active users drawn Zipf(1.1) by rank: the order feed reads pick readers in."""
    readers: dict[int, list[int]] = attrs.field(factory=dict)
    """k -> readers following exactly k hub authors."""
    hubs: list[int] = attrs.field(factory=list)
    seed_report: dict[str, Any] = attrs.field(factory=dict)


def zipf_picks(population: list[int], n: int, s: float = 1.1, seed: int = 1) -> list[int]:
    rng = random.Random(seed)
    order = population[:]
    rng.shuffle(order)
    weights, total = [], 0.0
    for rank in range(1, len(order) + 1):
        total += 1.0 / rank**s
        weights.append(total)
    return rng.choices(order, cum_weights=weights, k=n)


def build(platform: Platform, users: int, readers_per_group: int, quiet: bool = True) -> Data:
    """Seed ``users`` (no hubs), then hubs and pull readers; feeds of active users materialised."""
    spec = NetworkSpec(
        users=users,
        seed=7,
        hub_fraction=0.0,
        pull_threshold=PULL_THRESHOLD,
        logical_shards=platform.settings.logical_shards,
        chunk_size=2000,
    )
    with ProgressBars(disable=quiet) as bars:
        report = load_network(platform, spec, progress=bars)
    ids = spec.user_ids()
    active = [ids[i] for i in range(users) if spec.is_active(i)]
    data = Data(spec, ids, active, zipf_picks(active, 200_000), seed_report=report)
    _hubs_and_readers(platform, data, readers_per_group)
    return data


def _hubs_and_readers(platform: Platform, data: Data, per_group: int) -> None:
    store, ids, rng = platform.bulk_loader(), data.ids, random.Random(11)
    data.hubs = ids[:HUBS]
    candidates = [u for u in data.active if u not in set(data.hubs)]
    rng.shuffle(candidates)
    groups = {k: candidates[i * per_group * 2 : (i + 1) * per_group * 2] for i, k in enumerate(PULL_GROUPS)}
    reader_set = {u for g in groups.values() for u in g}
    fans = [u for u in ids[HUBS:] if u not in reader_set]
    created = data.spec.end - 86400
    edges = [(r, h, created) for k, rs in groups.items() for r in rs for h in data.hubs[:k]]
    for hub in data.hubs:
        edges += [(f, hub, created) for f in rng.sample(fans, min(len(fans), PULL_THRESHOLD + 50))]
    store.load_follows(edges)
    end_ms = int(data.spec.end * 1000) + 1000
    posts = [
        Post(
            id=id_at((end_ms + j) / 1000, shard_of(h), 100 + n),
            author_id=h,
            text=f"hub post {j}",
            created_at=(end_ms + j) / 1000,
        )
        for n, h in enumerate(data.hubs)
        for j in range(HUB_POSTS)
    ]
    store.load_posts(posts)
    store.recount_users()
    platform.graph.forget_pull_authors(list(reader_set) + data.active)
    platform.users.forget_cached(data.hubs)
    for k, rs in groups.items():
        data.readers[k] = []
        for reader in rs:
            if len(platform.graph.pull_authors(reader)) == k:
                platform.feeds.rebuild(reader)
                data.readers[k].append(reader)
            if len(data.readers[k]) == per_group:
                break


def fanout_author(platform: Platform, data: Data, followers: int, index: int) -> int:
    """A new author followed by the first ``followers`` users, all of whose feeds are materialised."""
    store, spec = platform.bulk_loader(), data.spec
    i = spec.users + index
    uid = spec.user_id(i)
    store.load_users([User(id=uid, handle=f"u{i}", display_name=f"Fan-out author {index}", created_at=spec.end)], "!")
    fans = data.ids[HUBS : HUBS + followers]
    store.load_follows([(f, uid, spec.end) for f in fans])
    store.recount_users()
    active = set(data.active)
    idle = [f for f in fans if f not in active]
    for start in range(0, len(idle), 2000):
        platform.feeds.materialise(Timeline.HOME, {f: [] for f in idle[start : start + 2000]})
    return uid
