#!/usr/bin/env python3
"""Throughput, TTFT and fairness per fairness policy on the weighted trace case.

Usage: fairness_throughput_ttft.py RESULTS_CSV OUTPUT_PNG

One group of bars per replay speed (workload.time_scale; smaller = more load), one bar per
policy: output tokens/s, median and p99 TTFT, Jain's index over weight-normalised service of
the tenants backlogged in each window (docs/fairness.md), and the fraction of arrived requests
that completed by the horizon (the TTFT panels describe those). Prints the table
docs/reproductions/fairness.md quotes.
"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

import style  # noqa: E402

PANELS = [
    ("throughput.output_tokens_per_s", "output throughput (tokens/s)"),
    ("ttft_s.p50", "median TTFT (s)"),
    ("ttft_s.p99", "p99 TTFT (s)"),
    ("fairness.jain_backlogged_mean", "Jain's index, backlogged tenants\n(weighted, mean per window)"),
    ("finished", "fraction of arrivals completed"),
]
TABLE = ["throughput.output_tokens_per_s", "ttft_s.p50", "ttft_s.p99", "fairness.jain_backlogged_mean",
         "fairness.max_cumulative_gap", "finished"]


def main(results_csv, out_png):
    results = pd.read_csv(results_csv)
    results = results[results["status"] == "ok"].copy()
    results["finished"] = results["requests.completed"] / results["requests.arrived"]
    policies = list(dict.fromkeys(results["fairness.policy"]))
    scales = sorted(results["workload.time_scale"].unique(), reverse=True)
    fig, axes = plt.subplots(1, len(PANELS), figsize=(19, 4))
    width = 0.8 / len(policies)
    for ax, (column, label) in zip(axes, PANELS):
        for i, policy in enumerate(policies):
            ys = []
            for scale in scales:
                sel = results[(results["fairness.policy"] == policy) & (results["workload.time_scale"] == scale)]
                ys.append(sel[column].mean())
            xs = [j + i * width for j in range(len(scales))]
            ax.bar(xs, ys, width, color=style.color(policy), label=policy)
        ax.set_xticks([j + 0.4 - width / 2 for j in range(len(scales))])
        ax.set_xticklabels([f"1/{s:g}" for s in scales])
        ax.set_xlabel("replay rate (fraction of recorded)")
        ax.set_ylabel(label)
    axes[0].legend(loc="lower center", fontsize="small", framealpha=0.9)
    fig.tight_layout()
    style.save(fig, out_png)
    table = results.groupby(["workload.time_scale", "fairness.policy"], sort=False)[TABLE].mean()
    print(table.round(3).to_string())


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
