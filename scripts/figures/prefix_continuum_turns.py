#!/usr/bin/env python3
"""Figure for configs/sweeps/prefix_continuum_turns.yaml: python3 prefix_continuum_turns.py
results.csv out.png. Continuum's claim: the JCT gain of TTL pinning over LRU grows with the
number of turns per program. Panels: mean session JCT, JCT ratio LRU/TTL (per seed and mean)
and token hit rate, against turns per session."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

import style  # noqa: E402

POLICY = "prefix_cache.eviction.policy"
TURNS = "workload.turns_min"
JCT = "sessions.jct_s.mean"
HIT = "prefix_cache.hit_rate_tokens"


def main(results_csv, out_png):
    df = pd.read_csv(results_csv)
    df = df[df["status"] == "ok"]
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    for policy, g in df.groupby(POLICY):
        by = g.groupby(TURNS)
        mean, lo, hi = by[JCT].mean(), by[JCT].min(), by[JCT].max()
        axes[0].errorbar(mean.index, mean, yerr=[mean - lo, hi - mean], capsize=3,
                         marker=style.marker(policy), color=style.color(policy), label=policy)
        axes[2].plot(by[HIT].mean().index, by[HIT].mean(), marker=style.marker(policy),
                     color=style.color(policy), label=policy)
    ratio = df.pivot_table(index=[TURNS, "seed"], columns=POLICY, values=JCT)
    ratio = (ratio["lru"] / ratio["ttl"]).rename("ratio").reset_index()
    axes[1].scatter(ratio[TURNS], ratio["ratio"], color=style.color("ttl"), alpha=0.45,
                    marker=style.marker("ttl"), label="one seed")
    mean_ratio = ratio.groupby(TURNS)["ratio"].mean()
    axes[1].plot(mean_ratio.index, mean_ratio, color=style.color("ttl"), label="mean over seeds")
    axes[1].axhline(1.0, color="grey", linewidth=0.8, linestyle="--")
    axes[0].set_yscale("log")
    axes[0].set_ylabel("mean session JCT (s)")
    axes[1].set_ylabel("JCT ratio LRU / TTL (>1: TTL faster)")
    axes[2].set_ylabel("prefix hit rate (tokens)")
    for ax in axes:
        ax.set_xlabel("turns per session")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    axes[0].set_title("mean JCT (bars: min-max over 3 seeds)", fontsize=9)
    axes[1].set_title("TTL's JCT gain", fontsize=9)
    axes[2].set_title("hit rate", fontsize=9)
    fig.suptitle("Continuum: TTL pinning vs LRU on closed-loop agent programs "
                 "(~800 turns at ~1 turn/s; Llama-3-8B, A100, 96k-token cache)")
    fig.tight_layout()
    style.save(fig, out_png)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: prefix_continuum_turns.py RESULTS_CSV OUT_PNG")
    main(sys.argv[1], sys.argv[2])
