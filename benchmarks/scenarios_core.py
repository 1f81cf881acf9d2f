"""In-process scenarios: feed-read, feed-read-pull, fanout, post-write."""

from __future__ import annotations

import statistics
import time
from typing import Any

from feedcore.ids import IdGenerator, shard_of

from .baselines import RawFeeds, RawPosts
from .context import Ctx, result
from .datasets import PULL_GROUPS, fanout_author
from .measure import compare, curve


def _warm(ctx: Ctx, users: list[int]) -> None:
    p = ctx.platform()
    for uid in dict.fromkeys(users):
        p.feeds.home(uid, 20)


def feed_read(ctx: Ctx) -> dict[str, Any]:
    p, data, s = ctx.platform(), ctx.data, ctx.sizes
    assert data is not None
    picks = data.zipf
    _warm(ctx, picks[: 20_000 if not ctx.quick else 2000])
    raw = RawFeeds(ctx.redis(), ctx.env.namespace)

    def feedcore(i: int) -> object:
        return p.feeds.home(picks[i % len(picks)], 20)

    def baseline(i: int) -> object:
        return raw.home(picks[i % len(picks)], 20)

    out = compare(feedcore, baseline, threads=s.threads, seconds=s.seconds, reps=s.reps, warmup=s.warmup)
    curves = {
        who: curve(op, out[who]["rps"], s.curve_fractions, s.curve_seconds)
        for who, op in (("feedcore", feedcore), ("baseline", baseline))
    }
    return result("feed-read", 0.75, out["ratio"], rps=out["feedcore"]["rps"], **_lat(out), detail=out, curves=curves)


def _lat(out: dict[str, Any]) -> dict[str, Any]:
    return {k: out["feedcore"][k] for k in ("p50_ms", "p95_ms", "p99_ms", "cpu_s_per_op")} | {
        "baseline_rps": out["baseline"]["rps"],
        "baseline_cpu_s_per_op": out["baseline"]["cpu_s_per_op"],
    }


def feed_read_pull(ctx: Ctx) -> dict[str, Any]:
    p, data, s = ctx.platform(), ctx.data, ctx.sizes
    assert data is not None
    raw = RawFeeds(ctx.redis(), ctx.env.namespace)
    per_k: dict[str, Any] = {}
    for k in PULL_GROUPS:
        readers = data.readers.get(k) or []
        if not readers:
            continue
        _warm(ctx, readers)
        hubs = {r: p.graph.pull_authors(r) for r in readers}

        def feedcore(i: int, readers: list[int] = readers) -> object:
            return p.feeds.home(readers[i % len(readers)], 20)

        def baseline(i: int, readers: list[int] = readers, hubs: dict[int, list[int]] = hubs) -> object:
            r = readers[i % len(readers)]
            return raw.home_with_pull(r, hubs[r], 20)

        per_k[str(k)] = compare(feedcore, baseline, threads=s.threads, seconds=s.seconds, reps=s.reps, warmup=s.warmup)
    ratio = min(v["ratio"] for v in per_k.values())
    worst = min(per_k.values(), key=lambda v: v["ratio"])
    return result(
        "feed-read-pull",
        0.6,
        ratio,
        rps=worst["feedcore"]["rps"],
        **_lat(worst),
        ratios_by_pulled_authors={k: v["ratio"] for k, v in per_k.items()},
        detail=per_k,
    )


def fanout(ctx: Ctx) -> dict[str, Any]:
    data, s = ctx.data, ctx.sizes
    assert data is not None
    p = ctx.platform("fanout", pull_threshold=10**9)
    handler = p.fanout
    raw = RawFeeds(ctx.redis(), ctx.env.namespace)
    posts = RawPosts(ctx.env.dsns)
    new_id = IdGenerator()
    sizes: dict[str, Any] = {}
    for index, followers in enumerate(n for n in s.fanout if n < len(data.ids) - 20):
        author = fanout_author(p, data, followers, index)
        db = p.database_of(author)
        times: dict[str, list[float]] = {"feedcore": [], "baseline": []}
        for rep in range(1 + s.reps):
            order = ("feedcore", "baseline") if rep % 2 == 0 else ("baseline", "feedcore")
            for who in order:
                pid = new_id(shard_of(author))
                t0 = time.perf_counter()
                if who == "feedcore":
                    handler.push(author, [pid])
                else:
                    raw.fanout(posts.followers(db, author), pid)
                if rep:  # the first round warms up
                    times[who].append(time.perf_counter() - t0)
        fc, bl = statistics.median(times["feedcore"]), statistics.median(times["baseline"])
        sizes[str(followers)] = {
            "feedcore_s": round(fc, 4),
            "baseline_s": round(bl, 4),
            "ratio": round(bl / fc, 3),
            "feedcore_spread_s": [round(min(times["feedcore"]), 4), round(max(times["feedcore"]), 4)],
            "feeds_per_s": round(followers / fc),
        }
    posts.close()
    largest = sizes[max(sizes, key=int)]
    return result(
        "fanout",
        0.6,
        min(v["ratio"] for v in sizes.values()),
        largest_followers=int(max(sizes, key=int)),
        largest_s=largest["feedcore_s"],
        largest_target_s=5.0 if not ctx.quick else None,
        detail=sizes,
    )


def post_write(ctx: Ctx) -> dict[str, Any]:
    data, s = ctx.data, ctx.sizes
    assert data is not None
    p = ctx.platform()
    raw = RawPosts(ctx.env.dsns)
    new_id = p.new_id  # one generator: two in one process could mint the same id
    authors = data.ids[1000:3000]

    def feedcore(i: int) -> object:
        return p.posts.create(authors[i % len(authors)], "benchmark post")

    def baseline(i: int) -> None:
        a = authors[i % len(authors)]
        shard = shard_of(a)
        raw.create(p.database_of(a), new_id(shard), a, "benchmark post", time.time(), new_id(shard), shard)

    out = compare(feedcore, baseline, threads=s.threads, seconds=s.seconds, reps=s.reps, warmup=s.warmup)
    raw.close()
    return result("post-write", 0.9, out["ratio"], rps=out["feedcore"]["rps"], **_lat(out), detail=out)
