#!/usr/bin/env python3
"""Orca (iteration-level) vs static (request-level) batching (configs/sweeps/serving_orca_static.yaml).

Usage: serving_orca_static.py RESULTS_CSV OUTPUT_PNG
Each line is the mean over seeds; the band spans the seeds' minimum to maximum.
Prints what docs/reproductions.md quotes: each policy's peak throughput, and Orca's measure,
the throughput each policy reaches while its median end-to-end latency stays within a budget.
"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import style  # noqa: E402

POLICY = "batching.policy"
LOAD = "workload.rate_per_s"
THROUGHPUT = "throughput.requests_per_s"
LATENCY_BUDGETS_S = [5.0, 10.0]


def main(results_csv, output_png):
    df = style.ok_points(results_csv)
    fig, (ax_tp, ax_lat, ax_ttft) = plt.subplots(1, 3, figsize=(12.6, 3.6))
    for policy, group in df.groupby(POLICY, sort=True):
        by_load = group.groupby(LOAD)[[THROUGHPUT, "e2e_s.p50", "ttft_s.p50"]].agg(["mean", "min", "max"]).sort_index()
        c, m = style.color(policy), style.marker(policy)
        tp = by_load[THROUGHPUT]
        ax_tp.plot(tp.index, tp["mean"], marker=m, color=c, label=policy)
        ax_tp.fill_between(tp.index, tp["min"], tp["max"], color=c, alpha=0.15)
        # Orca's own plot: latency against the throughput it buys.
        ax_lat.plot(tp["mean"], by_load["e2e_s.p50"]["mean"], marker=m, color=c, label=policy)
        ttft = by_load["ttft_s.p50"]
        ax_ttft.plot(ttft.index, ttft["mean"], marker=m, color=c, label=policy)
        ax_ttft.fill_between(ttft.index, ttft["min"], ttft["max"], color=c, alpha=0.15)
    loads = sorted(df[LOAD].unique())
    ax_tp.plot(loads, loads, color="grey", lw=0.8, ls=":", label="offered")
    ax_tp.set(xlabel="offered load (requests/s)", ylabel="throughput (requests/s)")
    ax_lat.set(xlabel="throughput (requests/s)", ylabel="median end-to-end latency (s)", yscale="log")
    ax_ttft.set(xlabel="offered load (requests/s)", ylabel="median time to first token (s)", yscale="log")
    for ax in (ax_tp, ax_lat, ax_ttft):
        ax.grid(True, alpha=0.3)
    ax_tp.legend(title="batching policy")
    seeds = df["seed"].nunique()
    fig.suptitle(f"Llama-2-7B on one A100, batch cap 32, KV reserved for 1,024 tokens "
                 f"(mean of {seeds} seeds, band = min..max)")
    fig.tight_layout()
    style.save(fig, output_png)
    print_measures(df)


def print_measures(df):
    means = df.groupby([POLICY, LOAD])[[THROUGHPUT, "e2e_s.p50", "ttft_s.p50"]].mean()
    print("peak throughput (req/s, mean over seeds, highest over swept loads):")
    for policy in sorted(df[POLICY].unique()):
        print(f"  {policy:8s} {means.loc[policy][THROUGHPUT].max():.2f}")
    for budget in LATENCY_BUDGETS_S:
        print(f"throughput with median end-to-end latency <= {budget:g} s:")
        for policy in sorted(df[POLICY].unique()):
            rows = means.loc[policy]
            within = rows[rows["e2e_s.p50"] <= budget][THROUGHPUT]
            print(f"  {policy:8s} {within.max():.2f}" if len(within) else f"  {policy:8s} none")
    print("median TTFT (s) per load:")
    print(means["ttft_s.p50"].unstack(0).round(3).to_string())


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
