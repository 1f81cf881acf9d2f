"""The PNG: latency (p50 and p99) against offered rate for every scenario with latency curves,
feedcore beside its baseline, one line per topology; runs marked noisy say so in their title."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def plot_curves(report: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with_curves = [e for e in report.get("scenarios", []) if any(e.get("curves", {}).values())]
    n = max(1, len(with_curves))
    fig, axes = plt.subplots(1, n, figsize=(6 * n, 4.8), squeeze=False)
    for ax, entry in zip(axes[0], with_curves, strict=False):
        for who, points in entry["curves"].items():
            if not points:
                continue
            xs = [p.get("target_rps", p["rps"]) for p in points]
            for q, style in (("p50_ms", "--"), ("p99_ms", "-")):
                ax.plot(xs, [max(p[q], 0.01) for p in points], style, marker="o", label=f"{who} {q[:3]}")
        noisy = " (noisy: other work)" if entry.get("cpu", {}).get("noisy") else ""
        ax.set_title(f"{entry['name']}{noisy}")
        ax.set_xlabel("offered rate (requests/s)")
        ax.set_ylabel("latency (ms, from intended start)")
        ax.set_yscale("log")
        ax.axhline(200, color="grey", linewidth=0.8, linestyle=":")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7)
    if not with_curves:
        axes[0][0].text(0.5, 0.5, "no latency curves in this run", ha="center")
    fig.suptitle(f"feedcore vs baseline on {report.get('machine', {}).get('cpu', '?')}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
