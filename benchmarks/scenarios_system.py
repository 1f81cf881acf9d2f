"""The fan-out policy scenario: hybrid against all-push and all-pull over a simulated day."""

from __future__ import annotations

import random
from typing import Any

from .context import Ctx, result
from .meter import busy_cpu_seconds


def hybrid(ctx: Ctx) -> dict[str, Any]:
    """Redis commands and CPU-seconds of a simulated day (writes then reads at each ratio)
    under the hybrid policy, all-push (no pull authors) and all-pull (every author pulled)."""
    s, env = ctx.sizes, ctx.env
    assert ctx.data is not None
    data = ctx.data
    readers = list(dict.fromkeys(data.zipf))[: s.hybrid_users] + [r for g in data.readers.values() for r in g]
    authors = data.hubs + data.ids[1000 : 1000 + 4 * s.hybrid_writes]
    policies = {"hybrid": 1000, "all-push": 10**9, "all-pull": 1}
    ratios = s.hybrid_ratios
    table: dict[str, dict[str, Any]] = {}
    platforms = {}
    for policy, threshold in policies.items():
        p = ctx.platform(f"hybrid-{policy}", pull_threshold=threshold, namespace=f"{env.namespace}-{policy}")
        for r in readers:  # the users active today have their feeds in the cache
            p.feeds.home(r, 20)
        platforms[policy] = (p, p.fanout)
    for ratio in ratios:
        row: dict[str, Any] = {}
        order = list(policies) if int(ratio * 10) % 2 == 0 else list(reversed(policies))
        for policy in order:
            p, fan = platforms[policy]
            rng = random.Random(int(ratio * 10))
            writes, reads = s.hybrid_writes, max(1, int(ratio * s.hybrid_writes))
            cmd0, cpu0 = env.redis_commands(), busy_cpu_seconds()
            for _ in range(writes):
                author = rng.choice(authors)
                post = p.posts.create(author, "a post of the day")
                fan.push(author, [post.id])
            for _ in range(reads):
                p.feeds.home(rng.choice(readers), 20)
            row[policy] = {"redis_commands": env.redis_commands() - cmd0, "cpu_s": round(busy_cpu_seconds() - cpu0, 3)}
        best = {m: min(row["all-push"][m], row["all-pull"][m]) for m in ("redis_commands", "cpu_s")}
        row["ratio_commands"] = round(row["hybrid"]["redis_commands"] / max(1, best["redis_commands"]), 3)
        row["ratio_cpu"] = round(row["hybrid"]["cpu_s"] / max(1e-3, best["cpu_s"]), 3)
        table[str(ratio)] = row
    worst = max(max(r["ratio_commands"], r["ratio_cpu"]) for r in table.values())
    entry = result("hybrid", 1.05, worst, detail=table, note="lower is better: hybrid / min(all-push, all-pull)")
    entry["met"] = worst <= 1.05
    return entry
