"""feedctl commands that load and measure a platform: seed (a synthetic network) and bench."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import click

from feedcore.seeding import NetworkSpec, ProgressBars, load_network

from ..options import emit, json_option, open_platform, table

__all__ = ["COMMANDS"]


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
@click.option(
    "--end",
    default=None,
    metavar="today|YYYY-MM-DD|SECONDS",
    help="When the network's week of posts and likes ends: 'today' (the start of the current UTC day), "
    "a UTC date's start, or seconds since the epoch. Default: a fixed time (2026-05-28), so that "
    "runs on different days load the same network.",
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
    end: str | None,
    batch: int,
    no_feeds: bool,
    quiet: bool,
    as_json: bool,
) -> None:
    """Load a deterministic synthetic network: power-law followers (a few high-fan-out authors
    above FEEDCORE_PULL_THRESHOLD), skewed posts, ~10% active users whose feeds are materialised.

    Active users like some of the posts of those they follow. The analytics the network
    implies (daily signups, posts, likes, follows, active users, trending posts) are recorded
    too, for `feedctl stats`; use --end today for a week that ends now.

    Idempotent: running it again with the same options skips what exists and resumes an
    interrupted load (--end today names the same network all day). Writes no events; run it on
    a quiet platform.
    """
    with open_platform(create=True) as platform:
        spec = NetworkSpec(
            users=n_users,
            seed=seed,
            followers_mean=followers_mean,
            posts_per_user_mean=posts_per_user_mean,
            active_fraction=active_fraction,
            pull_threshold=platform.settings.pull_threshold,
            logical_shards=platform.settings.logical_shards,
            chunk_size=batch,
            **({} if end is None else {"end": _end(end)}),
        )
        if spec.effective_hub_fraction < 0.01:
            click.echo(
                f"note: with {n_users} users and a pull threshold of {spec.pull_threshold}, only "
                f"{spec.effective_hub_fraction:.2%} of users can be high-fan-out; "
                "lower FEEDCORE_PULL_THRESHOLD for more",
                err=True,
            )
        with ProgressBars(disable=quiet) as bars:
            report = load_network(platform, spec, progress=bars, materialise=not no_feeds)
    emit(as_json, report, lambda: table(list(report.items()), ["what", "value"]))


def _end(value: str) -> float:
    """Seconds since the epoch for --end: 'today', a UTC date, or seconds."""
    if value == "today":
        value = datetime.fromtimestamp(time.time(), UTC).date().isoformat()
    try:
        return float(value)
    except ValueError:
        pass
    try:
        return datetime.combine(date.fromisoformat(value), datetime.min.time(), UTC).timestamp()
    except ValueError:
        message = f"{value!r} is not 'today', a date (YYYY-MM-DD) or seconds"
        raise click.BadParameter(message, param_hint="--end") from None


def _checkout() -> Path | None:
    """The feedcore checkout whose ``benchmarks/`` to run: the working directory's, else the one
    this feedctl was installed from in editable mode."""
    for root in (Path.cwd(), Path(__file__).resolve().parents[3]):
        if (root / "benchmarks" / "__main__.py").is_file():
            return root
    return None


@click.command(
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []},
    add_help_option=False,
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def bench(args: tuple[str, ...]) -> None:
    """Run the benchmark suite of a feedcore checkout (``python -m benchmarks ARGS`` there;
    ``feedctl bench --help`` lists its options). The suite is not part of an installed wheel."""
    root = _checkout()
    if root is None:
        raise click.ClickException(
            "the benchmark suite is not installed with feedcore: run `feedctl bench` (or "
            "`python -m benchmarks`) from the root of a feedcore source checkout"
        )
    sys.exit(subprocess.call([sys.executable, "-m", "benchmarks", *args], cwd=root))


COMMANDS: list[click.Command] = [seed, bench]
