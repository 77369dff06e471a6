#!/usr/bin/env python3
"""Agent.xpu reproduction figure: reactive latency and proactive throughput of the four
flow-scheduling policies (three baselines and Agent.xpu)
versus proactive load (configs/sweeps/agent_xpu_proactive_load.yaml).

usage: agent_xpu_proactive_load.py results.csv out.png
Points are the mean over seeds; bars span the seeds' min and max."""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

import style  # noqa: E402

POLICY = "flow_scheduling.policy"
LOAD = "workload.proactive_rate_per_s"
PANELS = [
    ("reactive.ttft_s.mean", "reactive TTFT, mean (s)", True),
    ("reactive.e2e_s.mean", "reactive end-to-end latency, mean (s)", True),
    ("proactive.tokens_per_s", "proactive throughput (output tokens/s)", False),
    ("igpu_busy_fraction", "iGPU busy fraction", False),
]
POLICIES = ["igpu_only", "static_partition", "igpu_continuous", "agent_xpu"]


def main(results_csv: str, out_png: str) -> None:
    df = pd.read_csv(results_csv)
    df = df[df["status"] == "ok"]
    fig, grid = plt.subplots(2, 2, figsize=(10, 7.5))
    axes = grid.flatten()
    for ax, (column, label, log) in zip(axes, PANELS):
        for policy in POLICIES:
            sub = df[df[POLICY] == policy].groupby(LOAD)[column]
            mean, lo, hi = sub.mean(), sub.min(), sub.max()
            ax.errorbar(mean.index, mean.values, yerr=[mean - lo, hi - mean], color=style.color(policy), marker=style.marker(policy),
                        capsize=3, label=policy)
        ax.set_xlabel("proactive flow arrival rate (flows/s)")
        ax.set_ylabel(label)
        if log:
            ax.set_yscale("log")
        ax.grid(True, alpha=0.3)
    axes[0].legend()
    fig.suptitle("Agent flows on a Core Ultra 7 258V model, Llama-3-8B INT4 (3 seeds, 300 s)")
    fig.tight_layout()
    style.save(fig, out_png)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
