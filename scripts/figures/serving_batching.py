#!/usr/bin/env python3
"""Sarathi-Serve vs vLLM vs Orca: tail latencies against load (configs/sweeps/serving_batching.yaml).

Usage: serving_batching.py RESULTS_CSV OUTPUT_PNG
Each line is the mean over seeds; the band spans the seeds' minimum to maximum.
Also prints, per policy, the capacity (highest swept load, means over seeds) under three limits
(docs/reproductions.md quotes them): P99 TBT within the scenario's TBT SLO alone; Sarathi-Serve's
own definition, P99 TBT within the SLO and median scheduling delay at most 2 s; and P99 TTFT
within the scenario's TTFT SLO.
"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import style  # noqa: E402

POLICY = "batching.policy"
LOAD = "workload.rate_per_s"
PANELS = [
    ("ttft_s.p99", "P99 time to first token (s)"),
    ("tbt_s.p99", "P99 time between tokens (s)"),
    ("scheduling_delay_s.p50", "median scheduling delay (s)"),
    ("goodput.fraction", "goodput (fraction of requests in SLO)"),
]
MAX_MEDIAN_SCHEDULING_DELAY_S = 2.0  # Sarathi-Serve's capacity definition (section 5)


def main(results_csv, output_png):
    df = style.ok_points(results_csv)
    fig, axes = plt.subplots(1, len(PANELS), figsize=(4.2 * len(PANELS), 3.6))
    for ax, (metric, label) in zip(axes, PANELS):
        for policy, group in df.groupby(POLICY, sort=True):
            style.band(ax, group, LOAD, metric, policy)
        ax.set_xlabel("offered load (requests/s)")
        ax.set_ylabel(label)
        ax.grid(True, alpha=0.3)
    axes[1].set_yscale("log")
    axes[2].set_yscale("log")
    axes[0].legend(title="batching policy")
    seeds = df["seed"].nunique()
    fig.suptitle(f"Llama-3-8B on one A100, prompt-heavy load (mean of {seeds} seeds, band = min..max)")
    fig.tight_layout()
    style.save(fig, output_png)
    print_capacity(df)


def capacity(p_ok):
    """Highest load whose mean meets the limit, from a boolean series indexed by load."""
    within = p_ok[p_ok]
    # Below the first swept load the capacity is unknown, not zero.
    top = f"{within.index.max():g}" if len(within) else f"< {p_ok.index.min():g}"
    # A load above the capacity that meets the limit again would make "capacity" ambiguous.
    note = " (every swept load)" if len(within) == len(p_ok) else ""
    return top + note


def print_capacity(df):
    tbt_slo = df["goodput.slo_tpot_s"].iloc[0]
    ttft_slo = df["goodput.slo_ttft_s"].iloc[0]
    print("capacity = highest load (req/s) whose seed-mean meets the limit:")
    print(f"  {'policy':10s} {'P99 TBT<=' + format(tbt_slo, 'g'):>16s} "
          f"{'+ median sched<=' + format(MAX_MEDIAN_SCHEDULING_DELAY_S, 'g'):>22s} "
          f"{'P99 TTFT<=' + format(ttft_slo, 'g'):>16s}")
    for policy, group in df.groupby(POLICY, sort=True):
        m = group.groupby(LOAD)[["tbt_s.p99", "ttft_s.p99", "scheduling_delay_s.p50"]].mean().sort_index()
        tbt_ok = m["tbt_s.p99"] <= tbt_slo
        sarathi_ok = tbt_ok & (m["scheduling_delay_s.p50"] <= MAX_MEDIAN_SCHEDULING_DELAY_S)
        ttft_ok = m["ttft_s.p99"] <= ttft_slo
        print(f"  {policy:10s} {capacity(tbt_ok):>16s} {capacity(sarathi_ok):>22s} "
              f"{capacity(ttft_ok):>16s}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
