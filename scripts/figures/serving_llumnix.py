#!/usr/bin/env python3
"""Llumnix live migration against its baseline INFaaS++ and two simpler routers
(configs/sweeps/serving_llumnix.yaml).

Usage: serving_llumnix.py RESULTS_CSV OUTPUT_PNG
Colour = router (the dispatch), line style = migration (solid: Llumnix migration, dashed: none).
Each line is the mean over seeds; the band spans the seeds' minimum to maximum.
Prints, per load, the ratio INFaaS++ / Llumnix (router llumnix without / with migration) of P99
TTFT, mean E2E and P99 TPOT with both preemption rates, the same for the other routers, and the
fraction of arrived requests completed (docs/reproductions.md quotes them).
"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import style  # noqa: E402

ROUTER = "cluster.router.policy"
MIGRATION = "cluster.migration.policy"
LOAD = "workload.rate_per_s"
PREEMPT = "preemptions_per_request"
PANELS = [
    ("ttft_s.p99", "P99 time to first token (s)", True),
    ("e2e_s.mean", "mean end-to-end latency (s)", False),
    ("tpot_s.p99", "P99 decode latency per token (s)", False),
    (PREEMPT, "preemptions per request", False),
]
ROUTERS = ["round_robin", "least_outstanding", "llumnix"]


def label(router, migration):
    if router == "llumnix":
        return "Llumnix (dispatch + migration)" if migration == "llumnix" else "INFaaS++ (llumnix dispatch)"
    return f"{router} + migration" if migration == "llumnix" else router


def main(results_csv, output_png):
    df = style.ok_points(results_csv)
    df[PREEMPT] = df["requests.preempted"] / df["requests.arrived"]
    fig, axes = plt.subplots(1, len(PANELS), figsize=(4.2 * len(PANELS), 3.8))
    for ax, (metric, ylabel, log) in zip(axes, PANELS):
        for router in ROUTERS:
            for migration in ["none", "llumnix"]:
                group = df[(df[ROUTER] == router) & (df[MIGRATION] == migration)]
                if group.empty:
                    continue
                style.band(ax, group, LOAD, metric, router, label=label(router, migration),
                           linestyle="-" if migration == "llumnix" else "--", alpha=0.12)
        ax.set_xlabel("offered load (requests/s)")
        ax.set_ylabel(ylabel)
        if log:
            ax.set_yscale("log")
        ax.grid(True, alpha=0.3)
    axes[0].legend(fontsize=7)
    seeds = df["seed"].nunique()
    fig.suptitle("8 Llama-2-7B instances on L4s, Gamma arrivals (CV 2), heavy-tailed lengths; "
                 f"solid = Llumnix migration, dashed = none (mean of {seeds} seeds, band = min..max)")
    fig.tight_layout()
    style.save(fig, output_png)
    print_ratios(df)


def print_ratios(df):
    metrics = [m for m, _, _ in PANELS]
    means = df.groupby([ROUTER, MIGRATION, LOAD])[metrics].mean()
    for router in ROUTERS:
        try:
            without, with_ = means.loc[(router, "none")], means.loc[(router, "llumnix")]
        except KeyError:
            continue
        ratio = (without / with_)[metrics[:3]]
        ratio.columns = ["P99 TTFT", "mean E2E", "P99 TPOT"]
        ratio["preempt/req none"] = without[PREEMPT]
        ratio["preempt/req migr"] = with_[PREEMPT]
        print(f"router {router}: without / with migration (> 1 = migration lowers it), and "
              "preemptions per request:")
        print(ratio.round(3).to_string())
    base = means.loc[("llumnix", "none")]["ttft_s.p99"]
    for router in ["round_robin", "least_outstanding"]:
        other = means.loc[(router, "none")]["ttft_s.p99"]
        print(f"P99 TTFT {router} / INFaaS++ (both without migration):")
        print((other / base).round(2).to_string())
    style.print_completed(df)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
