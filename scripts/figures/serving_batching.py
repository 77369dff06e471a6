#!/usr/bin/env python3
"""Sarathi-Serve vs vLLM vs Orca: tail latencies against load (configs/sweeps/serving_batching.yaml).

Usage: serving_batching.py RESULTS_CSV OUTPUT_PNG
Each line is the mean over seeds; the band spans the seeds' minimum to maximum.
Also prints, per policy, Sarathi-Serve's capacity measure: the highest swept load whose P99 TBT
(mean over seeds) stays within the TBT SLO of the base scenario (docs/reproductions.md quotes it).
"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

import style  # noqa: E402

POLICY = "batching.policy"
LOAD = "workload.rate_per_s"
PANELS = [
    ("ttft_s.p99", "P99 time to first token (s)"),
    ("tbt_s.p99", "P99 time between tokens (s)"),
    ("goodput.fraction", "goodput (fraction of requests in SLO)"),
]


def main(results_csv, output_png):
    df = pd.read_csv(results_csv)
    failed = df[df["status"] != "ok"]
    if len(failed):
        print(f"{results_csv}: {len(failed)} failed points left out", file=sys.stderr)
    df = df[df["status"] == "ok"]
    fig, axes = plt.subplots(1, len(PANELS), figsize=(4.2 * len(PANELS), 3.6))
    for ax, (metric, label) in zip(axes, PANELS):
        for policy, group in df.groupby(POLICY, sort=True):
            by_load = group.groupby(LOAD)[metric].agg(["mean", "min", "max"]).sort_index()
            color, marker = style.color(policy), style.marker(policy)
            ax.plot(by_load.index, by_load["mean"], marker=marker, color=color, label=policy)
            ax.fill_between(by_load.index, by_load["min"], by_load["max"], color=color, alpha=0.15)
        ax.set_xlabel("offered load (requests/s)")
        ax.set_ylabel(label)
        ax.grid(True, alpha=0.3)
    axes[1].set_yscale("log")
    axes[0].legend(title="batching policy")
    seeds = df["seed"].nunique()
    fig.suptitle(f"Llama-3-8B on one A100, prompt-heavy load (mean of {seeds} seeds, band = min..max)")
    fig.tight_layout()
    style.save(fig, output_png)
    print_capacity(df)


def print_capacity(df):
    slo = df["goodput.slo_tpot_s"].iloc[0]
    print(f"capacity = highest load (req/s) with mean P99 TBT <= {slo} s:")
    for policy, group in df.groupby(POLICY, sort=True):
        p99 = group.groupby(LOAD)["tbt_s.p99"].mean().sort_index()
        within = p99[p99 <= slo]
        # Below the first swept load the capacity is unknown, not zero.
        top = f"{within.index.max():g}" if len(within) else f"< {p99.index.min():g}"
        note = " (every swept load)" if len(within) == len(p99) else ""
        print(f"  {policy:10s} {top}{note}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
