#!/usr/bin/env python3
"""SoC DVFS figure: energy against reactive latency and proactive throughput for Agent.xpu with
its engines at the top clock, locked lower, or under the slack-aware governor
(configs/sweeps/soc_dvfs.yaml).

usage: soc_dvfs.py results.csv out.png
Points are the mean over seeds, one per governor setting; one colour per proactive load."""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

import style  # noqa: E402

LOAD = "workload.proactive_rate_per_s"
PANELS = [
    ("reactive.ttft_s.mean", "reactive TTFT, mean (s)"),
    ("reactive.e2e_s.mean", "reactive end-to-end latency, mean (s)"),
    ("proactive.tokens_per_s", "proactive throughput (output tokens/s)"),
]


def setting(row) -> str:
    policy = row["dvfs.policy"]
    if policy == "fixed":
        return f"fixed {row['dvfs.clock']:g}"
    if policy == "slack" and "dvfs.reactive_ttft_slo_s" in row and pd.notna(row["dvfs.reactive_ttft_slo_s"]):
        return f"slack {row['dvfs.reactive_ttft_slo_s']:g} s"
    if policy == "slack":
        return "slack 1 s"
    return policy


def main(results_csv: str, out_png: str) -> None:
    df = pd.read_csv(results_csv)
    df = df[df["status"] == "ok"].copy()
    df["setting"] = df.apply(setting, axis=1)
    means = df.groupby([LOAD, "setting"], sort=False).mean(numeric_only=True).reset_index()
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.8))
    for ax, (column, label) in zip(axes, PANELS):
        for load, sub in means.groupby(LOAD):
            color = style.color(f"{load:g} flows/s")
            ax.plot(sub[column], sub["energy.j_per_output_token"], color=color,
                    marker=style.marker(f"{load:g} flows/s"), linestyle="",
                    label=f"proactive {load:g} flows/s")
            for _, r in sub.iterrows():
                ax.annotate(r["setting"], (r[column], r["energy.j_per_output_token"]),
                            fontsize=7, xytext=(3, 3), textcoords="offset points")
        ax.set_xlabel(label)
        ax.set_ylabel("energy per output token (J)")
        ax.grid(True, alpha=0.3)
    axes[0].legend()
    fig.suptitle("DVFS on a Core Ultra 7 258V model: Agent.xpu, Llama-3-8B INT4 (3 seeds, 300 s)")
    fig.tight_layout()
    style.save(fig, out_png)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
