"""``python -m benchmarks`` (from a checkout): measure feedcore against a raw baseline in the same run."""

from __future__ import annotations

from pathlib import Path

import click

from . import suite


@click.command()
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
def main(quick: bool, scenarios: str, out: str, plot: bool, pg_dsn: str, redis_url: str) -> None:
    """Measure feedcore against a raw baseline in the same run, scenario by scenario.

    Creates throwaway PostgreSQL databases and a Redis key namespace, and removes them after.
    Prints a table and writes the JSON (and a latency-vs-throughput PNG) to --out.
    """
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


if __name__ == "__main__":
    main()
