#!/usr/bin/env python3
"""Throughput, TTFT and fairness per fairness policy on the weighted trace case.

Usage: fairness_throughput_ttft.py RESULTS_CSV OUTPUT_PNG

One group of bars per replay speed (workload.time_scale; smaller = more load), one bar per
policy: output tokens/s, median and p99 TTFT, and Jain's index over weight-normalised
service (docs/fairness.md).
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
    ("fairness.jain_index", "Jain's index of weighted service"),
]


def main(results_csv, out_png):
    results = pd.read_csv(results_csv)
    results = results[results["status"] == "ok"]
    policies = list(dict.fromkeys(results["fairness.policy"]))
    scales = sorted(results["workload.time_scale"].unique(), reverse=True)
    fig, axes = plt.subplots(1, len(PANELS), figsize=(16, 4))
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
        ax.set_xticklabels([f"{1 / s:g}x speed" for s in scales])
        ax.set_xlabel("trace replay speed (load)")
        ax.set_ylabel(label)
    axes[0].legend(loc="lower left", fontsize="small")
    fig.tight_layout()
    style.save(fig, out_png)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
