"""feedctl commands that load and measure a platform: seed (a synthetic network) and bench."""

from __future__ import annotations

import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import click

from feedcore import Platform
from feedcore.model import User
from feedcore.ports import Timeline
from feedcore.seeding import Chunk, NetworkSpec, home_feeds

from ..options import emit, json_option, open_platform, table

__all__ = ["COMMANDS", "SeedReport", "seed_network"]

SeedReport = dict[str, Any]
_FEEDS_PER_CALL = 500
_IN_FLIGHT = 3


def _bar(total: int, desc: str, unit: str, quiet: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, unit_scale=True, disable=quiet, file=sys.stderr, smoothing=0.1)


class _FeedInputs:
    """What materialising active users' feeds needs, gathered while the chunks stream past."""

    def __init__(self, max_len: int, pull_threshold: int) -> None:
        self.max_len, self.threshold = max_len, pull_threshold
        self.active: list[int] = []
        self.followees: dict[int, list[int]] = {}
        self.posts: dict[int, list[int]] = {}
        self.pull: set[int] = set()

    def take(self, chunk: Chunk) -> None:
        self.active += chunk.active
        degree: dict[int, int] = {}
        for follower, followee, _ in chunk.follows:
            degree[followee] = degree.get(followee, 0) + 1
            if follower in self.followees:
                self.followees.setdefault(follower, []).append(followee)
        self.pull.update(u for u, d in degree.items() if d >= self.threshold)
        for post in chunk.posts:
            self.posts.setdefault(post.author_id, []).append(post.id)

    def remember_followees(self, active_ids: list[int]) -> None:
        """Mark every active user up front: their follows arrive in other users' chunks."""
        for uid in active_ids:
            self.followees.setdefault(uid, [])

    def sort(self) -> None:
        for ids in self.posts.values():
            ids.sort(reverse=True)
            del ids[self.max_len :]


def seed_network(
    platform: Platform, spec: NetworkSpec, *, quiet: bool = False, workers: int = 2, materialise: bool = True
) -> SeedReport:
    """Load ``spec``'s network into ``platform``'s store (idempotent) and materialise the home
    feeds of its active users (and the author timelines of its pull authors). Returns timings and sizes."""
    store = platform.bulk_loader()
    settings = platform.settings
    report: SeedReport = {"users": spec.users, "seed": spec.seed, "hub_fraction": spec.effective_hub_fraction}
    started = time.perf_counter()
    ids = spec.user_ids()
    with _bar(spec.users, "users", "user", quiet) as bar:
        for index in range(spec.chunks):
            first, stop = index * spec.chunk_size, min(spec.users, (index + 1) * spec.chunk_size)
            created = spec.end - (spec.days + 30) * 86400
            users = [
                User(id=ids[i], handle=f"u{i}", display_name=f"User {i}", created_at=created)
                for i in range(first, stop)
            ]
            store.load_users(users, "!seeded")  # no password: seeded users cannot log in
            bar.update(stop - first)
    report["users_s"] = round(time.perf_counter() - started, 2)

    inputs = _FeedInputs(settings.feed_max_len, settings.pull_threshold)
    inputs.remember_followees([ids[i] for i in range(spec.users) if spec.is_active(i)])
    counts = {"posts": 0, "follows": 0, "active": 0}
    t0 = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool, _bar(spec.users, "graph+posts", "user", quiet) as bar:
        pending: list[Future[None]] = []

        def load(chunk: Chunk) -> None:
            store.load_posts(chunk.posts)
            store.load_follows(chunk.follows)

        for chunk in spec.iter_chunks(ids):
            counts["posts"] += len(chunk.posts)
            counts["follows"] += len(chunk.follows)
            counts["active"] += len(chunk.active)
            inputs.take(chunk)
            pending.append(pool.submit(load, chunk))
            while len(pending) >= _IN_FLIGHT:
                pending.pop(0).result()
            bar.update(chunk.stop - chunk.start)
            bar.set_postfix(edges=counts["follows"], posts=counts["posts"], refresh=False)
        for future in pending:
            future.result()
    report["graph_s"] = round(time.perf_counter() - t0, 2)
    t0 = time.perf_counter()
    store.recount_users()
    report["recount_s"] = round(time.perf_counter() - t0, 2)
    report.update(counts, pull_authors=len(inputs.pull))
    if materialise:
        t0 = time.perf_counter()
        report["feed_entries"] = _materialise(platform, inputs, quiet)
        report["materialise_s"] = round(time.perf_counter() - t0, 2)
    report["total_s"] = round(time.perf_counter() - started, 2)
    return report


def _materialise(platform: Platform, inputs: _FeedInputs, quiet: bool) -> int:
    inputs.sort()
    service = platform.feeds
    entries = 0
    with _bar(len(inputs.active), "feeds", "feed", quiet) as bar:
        batch: dict[int, list[int]] = {}
        feeds = home_feeds(inputs.active, inputs.followees, inputs.posts, inputs.pull, inputs.max_len)
        for uid, feed in feeds:
            batch[uid] = feed
            entries += len(feed)
            if len(batch) >= _FEEDS_PER_CALL:
                service.materialise(Timeline.HOME, batch)
                bar.update(len(batch))
                batch = {}
        service.materialise(Timeline.HOME, batch)
        bar.update(len(batch))
    service.materialise(Timeline.AUTHOR, {a: inputs.posts.get(a, []) for a in inputs.pull})
    platform.graph.forget_pull_authors(inputs.active)  # cached pull lists of earlier seeds
    return entries


@click.command()
@click.option("--users", "n_users", required=True, type=click.IntRange(2), help="How many users.")
@click.option("--seed", default=0, show_default=True, help="Random seed: the same seed, the same network.")
@click.option(
    "--posts-per-user-mean", default=4.0, show_default=True, type=click.FloatRange(0), help="Mean posts per user."
)
@click.option(
    "--followers-mean", default=75.0, show_default=True, type=click.FloatRange(1), help="Mean followers per user."
)
@click.option(
    "--active",
    "active_fraction",
    default=0.1,
    show_default=True,
    type=click.FloatRange(0, 1),
    help="Share of active users.",
)
@click.option("--batch", default=2000, show_default=True, type=click.IntRange(1), help="Users per loading batch.")
@click.option("--no-feeds", is_flag=True, help="Do not materialise the active users' feeds.")
@click.option("--quiet", is_flag=True, help="No progress bars.")
@json_option
def seed(
    n_users: int,
    seed: int,
    posts_per_user_mean: float,
    followers_mean: float,
    active_fraction: float,
    batch: int,
    no_feeds: bool,
    quiet: bool,
    as_json: bool,
) -> None:
    """Load a deterministic synthetic network: power-law followers (a few high-fan-out authors
    above FEEDCORE_PULL_THRESHOLD), skewed posts, ~10% active users whose feeds are materialised.

    Idempotent: running it again with the same options skips what exists and resumes an
    interrupted load. Writes no events; run it on a quiet platform.
    """
    with open_platform() as platform:
        spec = NetworkSpec(
            users=n_users,
            seed=seed,
            followers_mean=followers_mean,
            posts_per_user_mean=posts_per_user_mean,
            active_fraction=active_fraction,
            pull_threshold=platform.settings.pull_threshold,
            logical_shards=platform.settings.logical_shards,
            chunk_size=batch,
        )
        if spec.effective_hub_fraction < 0.01:
            click.echo(
                f"note: with {n_users} users and a pull threshold of {spec.pull_threshold}, only "
                f"{spec.effective_hub_fraction:.2%} of users can be high-fan-out; "
                "lower FEEDCORE_PULL_THRESHOLD for more",
                err=True,
            )
        report = seed_network(platform, spec, quiet=quiet, materialise=not no_feeds)
    emit(as_json, report, lambda: table(list(report.items()), ["what", "value"]))


def _load_benchmarks() -> Any:
    """The benchmark suite in the repository's ``benchmarks/`` (not an installed package)."""
    try:
        import benchmarks.suite as suite
    except ImportError:
        root = Path(__file__).resolve().parents[3]
        if not (root / "benchmarks" / "suite.py").exists():
            raise click.ClickException("feedctl bench needs the repository's benchmarks/ directory") from None
        sys.path.insert(0, str(root))
        import benchmarks.suite as suite
    return suite


@click.command(context_settings={"ignore_unknown_options": False})
@click.option("--quick", is_flag=True, help="Small sizes and short runs (CI): under 3 minutes, asserts nothing.")
@click.option("--scenarios", default="", help="Comma-separated scenario names (default: all).")
@click.option("--out", default="benchmarks/results/latest.json", show_default=True, type=click.Path(dir_okay=False))
@click.option("--plot/--no-plot", default=True, show_default=True, help="Also write a PNG beside --out.")
@click.option(
    "--postgres",
    "pg_dsn",
    envvar="FEEDCORE_BENCH_POSTGRES_DSN",
    default="host=127.0.0.1 port=5432 user=postgres dbname=postgres",
    show_default=True,
    help="Admin DSN; throwaway databases are created and dropped.",
)
@click.option(
    "--redis", "redis_url", envvar="FEEDCORE_BENCH_REDIS_URL", default="redis://127.0.0.1:6379/0", show_default=True
)
def bench(quick: bool, scenarios: str, out: str, plot: bool, pg_dsn: str, redis_url: str) -> None:
    """Measure feedcore against a raw baseline in the same run, scenario by scenario.

    Creates throwaway PostgreSQL databases and a Redis key namespace, and removes them after.
    Prints a table and writes the JSON (and a latency-vs-throughput PNG) to --out.
    """
    suite = _load_benchmarks()
    names = [s.strip() for s in scenarios.split(",") if s.strip()]
    unknown = [n for n in names if n not in suite.SCENARIOS]
    if unknown:
        raise click.BadParameter(f"unknown scenario(s) {', '.join(unknown)}; known: {', '.join(suite.SCENARIOS)}")
    path = Path(out)
    partial = path.with_suffix(".partial.json")
    report = suite.run(
        names or list(suite.SCENARIOS),
        quick=quick,
        pg_dsn=pg_dsn,
        redis_url=redis_url,
        echo=click.echo,
        partial=partial,
    )
    click.echo(suite.render(report))
    suite.write(report, path, plot=plot)
    partial.unlink(missing_ok=True)
    click.echo(f"wrote {path}" + (f" and {path.with_suffix('.png')}" if plot else ""))


COMMANDS: list[click.Command] = [seed, bench]
