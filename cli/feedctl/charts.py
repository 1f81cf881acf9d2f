"""Charts of daily series: a terminal sparkline, and a PNG drawn by matplotlib (the ``plot``
extra), imported only when a plot is asked for."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

import click

__all__ = ["plot_days", "sparkline"]

_BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[int]) -> str:
    """One block character per value, scaled from the lowest bar (0) to the highest (the maximum)."""
    top = max(values, default=0)
    if top <= 0:
        return _BARS[0] * len(values)
    return "".join(_BARS[round(v / top * (len(_BARS) - 1))] for v in values)


def plot_days(path: Path, days: Sequence[date], series: Mapping[str, Sequence[int]], title: str) -> None:
    """Draw each series against ``days`` in a panel of its own and save a PNG at ``path``.
    Raises ClickException when matplotlib is not installed."""
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise click.ClickException(
            f"--plot needs matplotlib ({exc.name} is not installed): pip install 'feedcore[plot]'"
        ) from exc
    figure = Figure(figsize=(10, 1.8 * len(series) + 0.6), layout="constrained")
    axes = figure.subplots(len(series), 1, sharex=True, squeeze=False)[:, 0]
    for ax, (name, values) in zip(axes, series.items(), strict=True):
        ax.bar(days, values, color="tab:blue")
        ax.set_ylabel(name)
        ax.grid(axis="y", alpha=0.3)
    figure.suptitle(title)
    figure.autofmt_xdate()
    figure.savefig(path, dpi=100)
