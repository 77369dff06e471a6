#!/usr/bin/env python3
"""Layered prefill vs chunked prefill on a MoE model (configs/sweeps/serving_layered_prefill.yaml).

Usage: serving_layered_prefill.py RESULTS_CSV OUTPUT_PNG
Each line is the mean over seeds; the band spans the seeds' minimum to maximum.
Prints, per load, layered prefill's change against chunked prefill (sarathi) in median TTFT,
median end-to-end latency, p99 TBT and energy per output token (docs/reproductions.md quotes it).
"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import style  # noqa: E402

POLICY = "batching.policy"
LOAD = "workload.rate_per_s"
PANELS = [
    ("ttft_s.p50", "median time to first token (s)", True),
    ("e2e_s.p50", "median end-to-end latency (s)", False),
    ("tbt_s.p99", "P99 time between tokens (s)", False),
    ("energy.j_per_output_token", "energy per output token (J)", False),
]
BASELINE, PROPOSAL = "sarathi", "layered_prefill"


def main(results_csv, output_png):
    df = style.ok_points(results_csv)
    fig, axes = plt.subplots(1, len(PANELS), figsize=(4.0 * len(PANELS), 3.6))
    for ax, (metric, label, log) in zip(axes, PANELS):
        for policy, group in df.groupby(POLICY, sort=True):
            name = "chunked prefill (sarathi)" if policy == BASELINE else "layered prefill"
            style.band(ax, group, LOAD, metric, policy, label=name)
        ax.set_xlabel("offered load (requests/s)")
        ax.set_ylabel(label)
        if log:
            ax.set_yscale("log")
        ax.grid(True, alpha=0.3)
    axes[0].legend()
    seeds = df["seed"].nunique()
    fig.suptitle(f"Qwen3-30B-A3B on one H100, long prompts (mean 4,096 tokens; mean of {seeds} "
                 "seeds, band = min..max)")
    fig.tight_layout()
    style.save(fig, output_png)
    print_changes(df)


def print_changes(df):
    means = df.groupby([POLICY, LOAD])[[m for m, _, _ in PANELS]].mean()
    base, prop = means.loc[BASELINE], means.loc[PROPOSAL]
    change = (prop / base - 1) * 100
    change.columns = [m.split(".")[0] + " " + m.split(".")[-1] for m, _, _ in PANELS]
    print(f"{PROPOSAL} vs {BASELINE}, change in % (negative = lower):")
    print(change.round(0).to_string())
    style.print_completed(df)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
