"""Save benchmark figures as a grouped bar chart PNG (people would rather look than read).

Shared by the bench scripts; writes under benchmarks/results/ (git-ignored) and returns the
path so the script can print where the picture is.
"""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def save_bars(name: str, title: str, groups: dict[str, dict[str, float]], unit: str) -> Path:
    """One bar group per key of ``groups`` (e.g. an engine), one bar per inner key."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = list(dict.fromkeys(k for bars in groups.values() for k in bars))
    width = 0.8 / max(1, len(groups))
    fig, ax = plt.subplots(figsize=(max(6.0, 1.4 * len(labels) + 2), 4.2))
    for i, (group, bars) in enumerate(groups.items()):
        xs = [j + i * width for j in range(len(labels))]
        values = [bars.get(label, 0.0) for label in labels]
        drawn = ax.bar(xs, values, width, label=group)
        ax.bar_label(drawn, labels=[f"{v:,.0f}" if v >= 100 else f"{v:.3g}" for v in values],
                     fontsize=8)
    ax.set_xticks([j + width * (len(groups) - 1) / 2 for j in range(len(labels))], labels,
                  rotation=15, ha="right", fontsize=8)
    ax.set_ylabel(unit)
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
