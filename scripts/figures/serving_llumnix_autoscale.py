#!/usr/bin/env python3
"""Llumnix auto-scaling against its baseline INFaaS++ (the same dispatch and scaling without
migration), least_outstanding dispatch with the same scaling, and fixed 8-instance clusters
(configs/sweeps/serving_llumnix_autoscale.yaml).

Usage: serving_llumnix_autoscale.py RESULTS_CSV OUTPUT_PNG
Colour = dispatch (router), line style = migration (solid: Llumnix migration, dashed: none);
fixed clusters are drawn thin with x markers. Each line is the mean over seeds; the band spans
the seeds' minimum to maximum. Prints, per load, the instance-seconds and P99 TTFT of each
configuration, the ratio INFaaS++ / Llumnix of both, and the fraction of arrived requests
completed (docs/reproductions.md quotes them).
"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import style  # noqa: E402

ROUTER = "cluster.router.policy"
MIGRATION = "cluster.migration.policy"
MAX = "cluster.autoscale.max_instances"
LOAD = "workload.rate_per_s"
PANELS = [
    ("autoscale.instance_seconds", "cost (instance-seconds)", False),
    ("autoscale.mean_instances", "mean instances (time-weighted)", False),
    ("ttft_s.p99", "P99 time to first token (s)", True),
    ("e2e_s.mean", "mean end-to-end latency (s)", False),
]
ROUTERS = ["llumnix", "least_outstanding"]


def configs(df):
    """(label, router, migration, fixed, rows) for every configuration present."""
    fixed = df[MAX].fillna(16) == 8
    out = []
    for router in ROUTERS:
        for migration in ["llumnix", "none"]:
            for is_fixed in [False, True]:
                rows = df[(df[ROUTER] == router) & (df[MIGRATION] == migration) & (fixed == is_fixed)]
                if rows.empty:
                    continue
                if router == "llumnix":
                    name = "Llumnix" if migration == "llumnix" else "INFaaS++"
                else:
                    name = router + (" + migration" if migration == "llumnix" else "")
                name += ", fixed 8" if is_fixed else ", auto-scaled"
                out.append((name, router, migration, is_fixed, rows))
    return out


def main(results_csv, output_png):
    df = style.ok_points(results_csv)
    fig, axes = plt.subplots(1, len(PANELS), figsize=(4.4 * len(PANELS), 3.9))
    for ax, (metric, ylabel, log) in zip(axes, PANELS):
        for name, router, migration, is_fixed, rows in configs(df):
            by_x = style.band(ax, rows, LOAD, metric, router, label=name,
                              linestyle="-" if migration == "llumnix" else "--",
                              alpha=0.05 if is_fixed else 0.12)
            if is_fixed:
                ax.lines[-1].set_linewidth(0.9)
                ax.lines[-1].set_marker("x")
        ax.set_xlabel("offered load (requests/s)")
        ax.set_ylabel(ylabel)
        if log:
            ax.set_yscale("log")
        ax.grid(True, alpha=0.3)
    axes[0].legend(fontsize=6.5)
    seeds = df["seed"].nunique()
    fig.suptitle("Llama-2-7B on L4s, Gamma arrivals (CV 2): auto-scaled 1-16 instances (freeness "
                 "[10, 60], 10 s start-up) vs fixed 8; solid = Llumnix migration, dashed = none "
                 f"(mean of {seeds} seeds, band = min..max)", fontsize=9)
    fig.tight_layout()
    style.save(fig, output_png)
    print_table(df)
    style.print_completed(df)


def print_table(df):
    metrics = ["autoscale.instance_seconds", "autoscale.mean_instances", "ttft_s.p99", "e2e_s.mean"]
    rows = {}
    for name, _, _, _, group in configs(df):
        rows[name] = group.groupby(LOAD)[metrics].mean()
    for name, means in rows.items():
        print(f"{name}:")
        print(means.round(3).to_string())
    a, b = rows.get("INFaaS++, auto-scaled"), rows.get("Llumnix, auto-scaled")
    if a is not None and b is not None:
        ratio = (a / b)[["autoscale.instance_seconds", "ttft_s.p99"]]
        ratio.columns = ["cost INFaaS++/Llumnix", "P99 TTFT INFaaS++/Llumnix"]
        print("INFaaS++ / Llumnix, both auto-scaled (> 1 = Llumnix lower):")
        print(ratio.round(3).to_string())
        saving = 1 - b["autoscale.instance_seconds"] / a["autoscale.instance_seconds"]
        print("Llumnix cost saving vs INFaaS++ (fraction of instance-seconds):")
        print(saving.round(3).to_string())


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
