#!/usr/bin/env python3
"""Agent.xpu with the CPU as a schedulable engine (issue 18): reactive latency, proactive
throughput and CPU busy fraction of Agent.xpu on NPU + iGPU only and with the CPU's two uses
(small proactive decode, proactive overflow), alone and together, versus proactive load
(configs/sweeps/agent_xpu_cpu.yaml).

usage: agent_xpu_cpu.py results.csv out.png
Lines are the mean over seeds; bands span the seeds' min and max."""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import style  # noqa: E402

OVERFLOW = "flow_scheduling.cpu_overflow"
SMALL = "flow_scheduling.cpu_small_flows"
LOAD = "workload.proactive_rate_per_s"
PANELS = [
    ("reactive.ttft_s.mean", "reactive TTFT, mean (s)", True),
    ("reactive.e2e_s.mean", "reactive end-to-end latency, mean (s)", False),
    ("energy.j_per_output_token", "energy per output token (J)", False),
    ("proactive.tokens_per_s", "proactive throughput (output tokens/s)", False),
    ("proactive.e2e_s.mean", "proactive end-to-end latency, mean (s)", True),
    ("utilization.soc.cpu", "CPU busy fraction", False),
]
VARIANTS = ["agent_xpu", "agent_xpu+cpu_small", "agent_xpu+cpu_overflow", "agent_xpu+cpu_both"]


def variant(row) -> str:
    overflow = str(row[OVERFLOW]).lower() in ("true", "1")
    small = int(row[SMALL]) > 0
    if overflow and small:
        return "agent_xpu+cpu_both"
    if overflow:
        return "agent_xpu+cpu_overflow"
    return "agent_xpu+cpu_small" if small else "agent_xpu"


def main(results_csv: str, out_png: str) -> None:
    df = style.ok_points(results_csv)
    df["variant"] = df.apply(variant, axis=1)
    fig, grid = plt.subplots(2, 3, figsize=(15, 7.5))
    for ax, (column, label, log) in zip(grid.flatten(), PANELS):
        for v in VARIANTS:
            style.band(ax, df[df["variant"] == v], LOAD, column, v)
        ax.set_xlabel("proactive flow arrival rate (flows/s)")
        ax.set_ylabel(label)
        if log:
            ax.set_yscale("log")
        ax.grid(True, alpha=0.3)
    grid[0][0].legend()
    fig.suptitle("Agent.xpu with the CPU as an engine: Core Ultra 7 258V model, Llama-3-8B INT4 "
                 "(3 seeds, 300 s)")
    fig.tight_layout()
    style.save(fig, out_png)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
