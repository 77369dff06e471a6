#!/usr/bin/env python3
"""Training throughput of expert-placement policies across routing skew and micro-batch
hot-set shift (configs/sweeps/moe_training_balance.yaml; docs/reproductions/moe.md).
Usage: moe_training_balance.py RESULTS_CSV OUTPUT_PNG"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

LINES = [  # (policy, routing replay, label, style)
    ("static", False, "static (no balancing)", "k-o"),
    ("eplb", False, "EPLB (history)", "C0--s"),
    ("eplb", True, "EPLB (oracle loads)", "C0-s"),
    ("micromoe", False, "MicroMoE (history)", "C2--^"),
    ("micromoe", True, "MicroMoE (oracle placement)", "C2-^"),
    ("relibra", True, "ReLibra (routing replay)", "C3-D"),
]


def as_bool(v):
    return str(v).strip().lower() in ("true", "1")


def main(results, out_png):
    df = pd.read_csv(results)
    df = df[df["status"] == "ok"].copy()
    df["replay"] = df["run.routing_replay"].map(as_bool)
    shifts = sorted(df["routing.micro_batch_shift"].unique())
    fig, axes = plt.subplots(1, len(shifts), figsize=(4.2 * len(shifts), 3.8), sharey=True)
    if len(shifts) == 1:
        axes = [axes]
    for ax, shift in zip(axes, shifts):
        part = df[df["routing.micro_batch_shift"] == shift]
        for policy, replay, label, style in LINES:
            rows = part[(part["placement.policy"] == policy) & (part["replay"] == replay)]
            rows = rows.groupby("routing.skew")["throughput.tokens_per_s"].mean()
            ax.plot(rows.index, rows.values / 1e3, style, label=label, markersize=4)
        ideal = part.groupby("routing.skew")["throughput.ideal_tokens_per_s"].mean()
        ax.plot(ideal.index, ideal.values / 1e3, "k:", label="ideal balance")
        ax.set_title(f"micro-batch hot-set shift {shift:g}")
        ax.set_xlabel("routing skew (Zipf exponent)")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("training throughput (k tokens/s)")
    axes[0].set_ylim(bottom=0)
    axes[-1].legend(fontsize=7, loc="lower left")
    fig.suptitle("DeepSeek-V2-Lite, EP over 2 nodes x 8 H100 (xpusim)", fontsize=10)
    fig.tight_layout()
    fig.savefig(out_png, dpi=130)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
