#!/usr/bin/env python3
"""Figure for configs/sweeps/faults.yaml: what random instance failures cost.

Usage: faults.py RESULTS_CSV OUTPUT_PNG
Left: p99 TTFT against failure rate (failures per instance-hour = 3600 / MTBF; 0 = none), one
line per failure policy, mean over seeds with min-max bars. Right: goodput fraction (requests
meeting both SLOs / arrived) against the same axis.
"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

import style  # noqa: E402


def main(csv_path: str, png_path: str) -> None:
    df = pd.read_csv(csv_path)
    df = df[df["status"] == "ok"].copy()
    mtbf = df["faults.mtbf_s"].astype(float)
    df["failures_per_instance_hour"] = (3600.0 / mtbf).where(mtbf > 0, 0.0)
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    panels = [("ttft_s.p99", "p99 TTFT (s)"), ("goodput.fraction", "goodput (fraction of requests meeting SLOs)")]
    for ax, (column, label) in zip(axes, panels):
        for policy, group in df.groupby("faults.on_failure"):
            stats = group.groupby("failures_per_instance_hour")[column].agg(["mean", "min", "max"])
            ax.errorbar(stats.index, stats["mean"],
                        yerr=[stats["mean"] - stats["min"], stats["max"] - stats["mean"]],
                        marker=style.marker(policy), color=style.color(policy), capsize=3,
                        label=f"on_failure: {policy}")
        ax.set_xlabel("failures per instance-hour (3600 / MTBF; MTTR 60 s)")
        ax.set_ylabel(label)
        ax.grid(True, alpha=0.3)
        ax.legend()
    fig.suptitle("4 x H100, Llama-3-8B, 12 req/s: cost of random instance failures (3 seeds)")
    fig.tight_layout()
    style.save(fig, png_path)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: faults.py RESULTS_CSV OUTPUT_PNG")
    main(sys.argv[1], sys.argv[2])
