#!/usr/bin/env python3
"""HybriMoE against the kTransformers-style static hybrid baseline across GPU expert-cache
sizes, decode and prefill (configs/sweeps/moe_offload_hybrid.yaml; docs/reproductions/moe.md).
Usage: moe_offload_hybrid.py RESULTS_CSV OUTPUT_PNG"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

import style  # noqa: E402

LINES = [  # (policy, prefetch rule or "", label, line and marker); colour = policy
    ("static_hybrid", "", "static hybrid (kTransformers-style)", "-o"),
    ("fetch_on_demand", "", "fetch on demand (GPU only)", "--x"),
    ("hybrimoe", "", "HybriMoE, no prefetch", ":s"),
    ("hybrimoe", "score", "HybriMoE + score prefetch (4)", "-.^"),
    ("hybrimoe", "impact", "HybriMoE + impact prefetch (<= 4)", "-D"),
]


def main(results, out_png):
    df = pd.read_csv(results)
    df = df[df["status"] == "ok"].copy()
    if "offload.prefetch_rule" not in df:
        df["offload.prefetch_rule"] = ""
    df["rule"] = df["offload.prefetch_rule"].fillna("").astype(str)
    phases = ["decode", "prefill"]
    fig, axes = plt.subplots(1, 2, figsize=(9.5, 3.8))
    for ax, phase in zip(axes, phases):
        part = df[df["run.phase"] == phase]
        for policy, rule, label, fmt in LINES:
            rows = part[(part["offload.policy"] == policy) & (part["rule"] == rule)]
            rows = rows.groupby("cache.experts_per_layer")["throughput.tokens_per_s"].mean()
            ax.plot(rows.index, rows.values, fmt, color=style.color(policy), label=label, markersize=4)
        unit = "tokens/s (1 sequence)" if phase == "decode" else "prompt tokens/s (512-token prompts)"
        ax.set_title(phase, fontsize=10)
        ax.set_xlabel("GPU expert cache (experts per layer, of 64)")
        ax.set_ylabel(unit)
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=7, loc="lower right")
    fig.suptitle("DeepSeek-V2-Lite offloaded on one L4, profiled hot experts pinned (xpusim)",
                 fontsize=10)
    fig.tight_layout()
    style.save(fig, out_png)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
