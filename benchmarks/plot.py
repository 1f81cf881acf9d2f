"""The PNG: latency (p50 and p99) against achieved throughput, feedcore beside its baseline."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def plot_curves(report: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with_curves = [e for e in report.get("scenarios", []) if e.get("curves")]
    fig, axes = plt.subplots(1, max(1, len(with_curves)), figsize=(6 * max(1, len(with_curves)), 4.5), squeeze=False)
    for ax, entry in zip(axes[0], with_curves, strict=False):
        for who, points in entry["curves"].items():
            xs = [p["rps"] for p in points]
            for q, style in (("p50_ms", "--"), ("p99_ms", "-")):
                ax.plot(xs, [p[q] for p in points], style, marker="o", label=f"{who} {q[:3]}")
        ax.set_title(entry["name"])
        ax.set_xlabel("throughput (requests/s)")
        ax.set_ylabel("latency (ms, from intended start)")
        ax.set_yscale("log")
        ax.grid(True, alpha=0.3)
        ax.legend()
    if not with_curves:
        axes[0][0].text(0.5, 0.5, "no latency curves in this run", ha="center")
    fig.suptitle(f"feedcore vs baseline on {report.get('machine', {}).get('cpu', '?')}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
