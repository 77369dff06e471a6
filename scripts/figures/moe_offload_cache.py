#!/usr/bin/env python3
"""Offloaded-MoE decode and prefill speed against the GPU expert-cache size
(configs/sweeps/moe_offload_cache.yaml; docs/reproductions/moe.md).
Usage: moe_offload_cache.py RESULTS_CSV OUTPUT_PNG"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

import style  # noqa: E402

# (policy, label, line and marker); BuddyMoE has its own figure (moe_offload_buddy.py)
POLICIES = [("fetch_on_demand", "fetch on demand", "-o"), ("hybrimoe", "HybriMoE", "-s")]
PHASE_COLOR = {"decode": "tab:blue", "prefill": "tab:orange"}  # the ratio panel: one colour a phase
PANELS = [("decode", 1, "decode, 1 sequence"), ("prefill", 512, "prefill, 512-token prompt")]


def main(results, out_png):
    df = pd.read_csv(results)
    df = df[df["status"] == "ok"]
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    for ax, (phase, tokens, title) in zip(axes[:2], PANELS):
        part = df[(df["run.phase"] == phase) & (df["run.tokens_per_iteration"] == tokens)]
        for policy, label, fmt in POLICIES:
            rows = part[part["offload.policy"] == policy].groupby("cache.experts_per_layer")
            speed = rows["throughput.tokens_per_s"].mean()
            ax.plot(speed.index, speed.values, fmt, color=style.color(policy), label=label, markersize=4)
        ax.set_title(title)
        ax.set_xlabel("GPU expert cache (experts per layer, of 64)")
        ax.set_ylabel("tokens/s")
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=7)
    ax = axes[2]
    for phase, tokens, title in PANELS:
        part = df[(df["run.phase"] == phase) & (df["run.tokens_per_iteration"] == tokens)]
        base = part[part["offload.policy"] == "fetch_on_demand"].groupby("cache.experts_per_layer")[
            "throughput.tokens_per_s"].mean()
        hy = part[part["offload.policy"] == "hybrimoe"].groupby("cache.experts_per_layer")[
            "throughput.tokens_per_s"].mean()
        ax.plot(base.index, (hy / base).values, "-o" if phase == "decode" else "--s",
                color=PHASE_COLOR[phase], label=title, markersize=4)
    ax.axhline(1.70, color=PHASE_COLOR["decode"], lw=0.8, ls=":", label="paper decode 1.70x")
    ax.axhline(1.33, color=PHASE_COLOR["prefill"], lw=0.8, ls=":", label="paper prefill 1.33x")
    ax.set_title("HybriMoE speed-up over fetch on demand")
    ax.set_xlabel("GPU expert cache (experts per layer, of 64)")
    ax.set_ylabel("speed-up (x)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    fig.suptitle("DeepSeek-V2-Lite, experts offloaded to host memory, one L4 (xpusim)", fontsize=10)
    fig.tight_layout()
    style.save(fig, out_png)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
