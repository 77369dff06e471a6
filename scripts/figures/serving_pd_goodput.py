#!/usr/bin/env python3
"""Co-location vs prefill-decode disaggregation: SLO attainment and goodput per GPU
(configs/sweeps/serving_pd_goodput.yaml), DistServe's measure.

Usage: serving_pd_goodput.py RESULTS_CSV OUTPUT_PNG
One panel per TPOT SLO: the fraction of requests meeting both SLOs against the load per GPU
(mean over seeds, band = min..max). Prints each cluster's goodput per GPU: the highest swept load
per GPU whose mean attainment is at least 90% (docs/reproductions.md quotes it).
"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import style  # noqa: E402

CLUSTER = "cluster"
TPOT = "slo.tpot_s"
LOAD = "workload.rate_per_s"
ATTAIN = "goodput.fraction"
GPUS = 2  # both clusters use two GPUs (configs/clusters/dp2.yaml, pd-1p1d.yaml)
TARGET = 0.9


def main(results_csv, output_png):
    df = style.ok_points(results_csv)
    df["per_gpu"] = df[LOAD] / GPUS
    slos = sorted(df[TPOT].unique(), reverse=True)
    fig, axes = plt.subplots(1, len(slos), figsize=(4.8 * len(slos), 3.8), sharey=True)
    for ax, slo in zip(axes, slos):
        part = df[df[TPOT] == slo]
        for cluster, group in part.groupby(CLUSTER, sort=True):
            style.band(ax, group, "per_gpu", ATTAIN, cluster)
        ttft = part["goodput.slo_ttft_s"].iloc[0]
        ax.axhline(TARGET, color="grey", lw=0.8, ls=":", label="90% attainment")
        ax.set_title(f"TTFT <= {ttft:g} s, TPOT <= {slo:g} s")
        ax.set_xlabel("load per GPU (requests/s)")
        ax.grid(True, alpha=0.3)
    axes[0].set_ylabel("SLO attainment (both SLOs)")
    axes[0].legend()
    seeds = df["seed"].nunique()
    fig.suptitle(f"Llama-3-8B on two A100s, prompt-heavy load (mean of {seeds} seeds)")
    fig.tight_layout()
    style.save(fig, output_png)
    print_goodput(df)


def print_goodput(df):
    print(f"goodput per GPU = highest swept load per GPU with mean attainment >= {TARGET:g}:")
    for (slo, cluster), group in df.groupby([TPOT, CLUSTER], sort=True):
        a = group.groupby("per_gpu")[ATTAIN].mean().sort_index()
        ok = a[a >= TARGET]
        top = f"{ok.index.max():g}" if len(ok) else f"< {a.index.min():g}"
        note = " (every swept load)" if len(ok) == len(a) else ""
        print(f"  TPOT {slo:g} s  {cluster:8s} {top} req/s/GPU{note}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
