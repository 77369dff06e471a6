#!/usr/bin/env python3
"""Expert placement inside serving: TPOT p50/p99 and output throughput against load for static,
EPLB, ReLibra and MicroMoE (configs/sweeps/moe_ep_serving_placement.yaml;
docs/reproductions/moe.md, "(d) Placement in serving").

Usage: moe_ep_serving_placement.py RESULTS_CSV OUTPUT_PNG
Each line is the mean over seeds; the band spans the seeds' minimum to maximum. Prints, per load,
each balancing policy's change against static placement in p50 and p99 TPOT and throughput
(the docs quote it).
"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import style  # noqa: E402

POLICY = "placement.policy"
LOAD = "workload.rate_per_s"
PANELS = [
    ("tpot_s.p50", "median TPOT (s)"),
    ("tpot_s.p99", "P99 TPOT (s)"),
    ("throughput.output_tokens_per_s", "output throughput (tokens/s)"),
]
LABELS = {"static": "static (round robin)", "eplb": "EPLB (global)", "relibra": "ReLibra",
          "micromoe": "MicroMoE"}
BASELINE = "static"


def style_key(policy):
    # "static" is also a batching policy in style.py; the placement baseline has its own entry.
    return "static_placement" if policy == BASELINE else policy


def main(results_csv, output_png):
    df = style.ok_points(results_csv)
    fig, axes = plt.subplots(1, len(PANELS), figsize=(4.2 * len(PANELS), 3.6))
    for ax, (metric, label) in zip(axes, PANELS):
        for policy in LABELS:
            group = df[df[POLICY] == policy]
            if not group.empty:
                style.band(ax, group, LOAD, metric, style_key(policy), label=LABELS[policy])
        ax.set_xlabel("offered load (requests/s)")
        ax.set_ylabel(label)
        ax.grid(True, alpha=0.3)
    axes[0].legend()
    seeds = df["seed"].nunique()
    fig.suptitle("DeepSeek-V2-Lite, EP8 on one H100 node, Zipf 1.2 routing with drift and "
                 f"per-iteration shift (mean of {seeds} seeds, band = min..max)")
    fig.tight_layout()
    style.save(fig, output_png)
    print_changes(df)


def print_changes(df):
    metrics = [m for m, _ in PANELS]
    means = df.groupby([POLICY, LOAD])[metrics].mean()
    base = means.loc[BASELINE]
    for policy in LABELS:
        if policy == BASELINE or policy not in means.index.get_level_values(0):
            continue
        change = (means.loc[policy] / base - 1) * 100
        change.columns = ["TPOT p50", "TPOT p99", "throughput"]
        print(f"{policy} vs {BASELINE}, change in % (negative = lower):")
        print(change.round(1).to_string())
    style.print_completed(df)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
