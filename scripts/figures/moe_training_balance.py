#!/usr/bin/env python3
"""Training throughput of expert-placement policies across routing skew, micro-batch hot-set
shift and spare expert slots (configs/sweeps/moe_training_balance.yaml;
docs/reproductions/moe.md). Usage: moe_training_balance.py RESULTS_CSV OUTPUT_PNG"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

import style  # noqa: E402

LINES = [  # (policy, routing replay, variant, label, line and marker); colour = policy
    ("static", False, "", "static (no balancing)", "-o"),
    ("eplb", False, "", "EPLB global (history)", "--s"),
    ("eplb", True, "", "EPLB global (oracle loads)", "-s"),
    ("eplb", True, "hier", "EPLB hierarchical, 2 groups (oracle)", "-.v"),
    ("micromoe", False, "", "MicroMoE, MicroEP replicas (history)", "--^"),
    ("micromoe", True, "", "MicroMoE, MicroEP replicas (oracle)", "-^"),
    ("micromoe", True, "eplbrep", "MicroMoE on EPLB's layout (oracle)", "-.^"),
    ("relibra", True, "", "ReLibra, even split (routing replay)", "-D"),
    ("relibra", True, "minmax", "ReLibra, min-max split (routing replay)", "-.D"),
]


def as_bool(v):
    return str(v).strip().lower() in ("true", "1")


def variant(row):
    if str(row.get("placement.mode", "")) == "hierarchical":
        return "hier"
    if str(row.get("placement.replicas", "")) == "eplb":
        return "eplbrep"
    if str(row.get("placement.token_split", "")) == "min_max":
        return "minmax"
    return ""


def main(results, out_png):
    df = pd.read_csv(results)
    df = df[df["status"] == "ok"].copy()
    df["replay"] = df["run.routing_replay"].map(as_bool)
    for col in ("placement.mode", "placement.replicas", "placement.token_split"):
        if col not in df:
            df[col] = ""
    df["variant"] = df.apply(variant, axis=1)
    shifts = sorted(df["routing.micro_batch_shift"].unique())
    spares = sorted(df["cluster.redundant_experts"].unique())
    fig, axes = plt.subplots(len(spares), len(shifts), figsize=(4.4 * len(shifts), 3.6 * len(spares)),
                             sharey=True, squeeze=False)
    for r, spare in enumerate(spares):
        for c, shift in enumerate(shifts):
            ax = axes[r][c]
            part = df[(df["routing.micro_batch_shift"] == shift) &
                      (df["cluster.redundant_experts"] == spare)]
            for policy, replay, var, label, fmt in LINES:
                rows = part[(part["placement.policy"] == policy) & (part["replay"] == replay) &
                            (part["variant"] == var)]
                rows = rows.groupby("routing.skew")["throughput.tokens_per_s"].mean()
                color = style.color("static_placement" if policy == "static" else policy)
                ax.plot(rows.index, rows.values / 1e3, fmt, color=color, label=label, markersize=4)
            ideal = part.groupby("routing.skew")["throughput.ideal_tokens_per_s"].mean()
            ax.plot(ideal.index, ideal.values / 1e3, "k:", label="ideal balance")
            ax.set_title(f"shift {shift:g}, {int(spare)} spare slots ({int(spare) // 16}/GPU)",
                         fontsize=9)
            ax.set_xlabel("routing skew (Zipf exponent)")
            ax.grid(alpha=0.3)
        axes[r][0].set_ylabel("training throughput (k tokens/s)")
        axes[r][0].set_ylim(bottom=0)
    axes[0][-1].legend(fontsize=6, loc="lower left")
    fig.suptitle("DeepSeek-V2-Lite, EP over 2 nodes x 8 H100 (xpusim)", fontsize=10)
    fig.tight_layout()
    style.save(fig, out_png)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
