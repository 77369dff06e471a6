#!/usr/bin/env python3
"""Mixed GPU generations against a homogeneous cluster of about equal cost
(configs/sweeps/serving_mixed_pd.yaml): SLO attainment against load, and cost per million
output tokens against load.

Usage: serving_mixed_pd.py RESULTS_CSV OUTPUT_PNG
Left: the fraction of requests meeting both SLOs against the offered load (mean over seeds,
band = min..max). Right: USD per million output tokens (summary.cost). Prints each cluster's
price, its goodput (the highest swept load with mean attainment >= 90%) and goodput per dollar
(docs/serving.md, "Mixed clusters", quotes them).
"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import style  # noqa: E402

CLUSTER = "cluster"
LOAD = "workload.rate_per_s"
ATTAIN = "goodput.fraction"
COST = "cost.usd_per_million_output_tokens"
PRICE = "cost.usd_per_hour"
TARGET = 0.9


def main(results_csv, output_png):
    df = style.ok_points(results_csv)
    fig, (left, right) = plt.subplots(1, 2, figsize=(9.6, 3.8))
    for cluster, group in df.groupby(CLUSTER, sort=True):
        price = group[PRICE].iloc[0]
        label = f"{cluster} ({price:.2f} USD/h)"
        style.band(left, group, LOAD, ATTAIN, cluster, label=label)
        style.band(right, group, LOAD, COST, cluster, label=label)
    left.axhline(TARGET, color="grey", lw=0.8, ls=":", label="90% attainment")
    ttft, tpot = df["goodput.slo_ttft_s"].iloc[0], df["goodput.slo_tpot_s"].iloc[0]
    left.set_title(f"SLO attainment (TTFT <= {ttft:g} s, TPOT <= {tpot:g} s)")
    left.set_ylabel("fraction meeting both SLOs")
    right.set_title("hardware cost per output token")
    right.set_ylabel("USD per million output tokens")
    for ax in (left, right):
        ax.set_xlabel("offered load (requests/s)")
        ax.grid(True, alpha=0.3)
    left.legend(fontsize=8)
    seeds = df["seed"].nunique()
    fig.suptitle(f"Llama-3-8B, disaggregated, about equal hourly cost (mean of {seeds} seeds)")
    fig.tight_layout()
    style.save(fig, output_png)
    print_goodput(df)
    style.print_completed(df)


def print_goodput(df):
    print(f"goodput = highest swept load with mean attainment >= {TARGET:g}; per dollar = / USD/h:")
    for cluster, group in df.groupby(CLUSTER, sort=True):
        price = group[PRICE].iloc[0]
        a = group.groupby(LOAD)[ATTAIN].mean().sort_index()
        ok = a[a >= TARGET]
        if len(ok):
            top = ok.index.max()
            print(f"  {cluster:14s} {price:6.2f} USD/h  goodput {top:g} req/s  "
                  f"{top / price:.3f} req/s per USD/h")
        else:
            print(f"  {cluster:14s} {price:6.2f} USD/h  goodput < {a.index.min():g} req/s")
        at = group.groupby(LOAD)[[ATTAIN, COST, "ttft_s.p90", "tpot_s.p90"]].mean()
        for load, row in at.iterrows():
            print(f"    load {load:g}: attainment {row[ATTAIN]:.3f}, {row[COST]:.3f} USD/Mtok, "
                  f"p90 TTFT {row['ttft_s.p90']:.3f} s, p90 TPOT {row['tpot_s.p90'] * 1e3:.1f} ms")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
