#!/usr/bin/env python3
"""Figure for configs/sweeps/prefix_continuum_turns.yaml: python3 prefix_continuum_turns.py
results.csv out.png. Continuum's claim: its program JCT gain over the vLLM baseline (LRU,
arrival order) grows with the number of turns per program. Variants: lru, ttl (cache side only)
continuum (per-tool TTL + program-level FCFS; rows with instance.queue_order = program) and
continuum cost-benefit (the cost-benefit TTL stand-in, prefix_cache.eviction.mode = cost_benefit,
+ program-level FCFS) and lru + program fcfs (the queue's part alone).
Panels: mean program JCT, JCT ratio LRU/variant (per seed and mean) and token hit rate, against
turns per program."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import style  # noqa: E402

POLICY = "prefix_cache.eviction.policy"
ORDER = "instance.queue_order"
TURNS = "workload.turns_min"
JCT = "sessions.jct_s.mean"
HIT = "prefix_cache.hit_rate_tokens"
MODE = "prefix_cache.eviction.mode"
VARIANTS = ["lru", "ttl", "continuum", "continuum cost-benefit", "lru + program fcfs"]


def main(results_csv, out_png):
    df = style.ok_points(results_csv)
    df["variant"] = df[POLICY].where(df[ORDER] != "program", "continuum")
    if MODE in df:
        df.loc[(df[ORDER] == "program") & (df[MODE] == "cost_benefit"),
               "variant"] = "continuum cost-benefit"
    df.loc[(df[ORDER] == "program") & (df[POLICY] == "lru"), "variant"] = "lru + program fcfs"
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    for variant in VARIANTS:
        g = df[df["variant"] == variant]
        if g.empty:
            continue
        by = g.groupby(TURNS)
        mean, lo, hi = by[JCT].mean(), by[JCT].min(), by[JCT].max()
        axes[0].errorbar(mean.index, mean, yerr=[mean - lo, hi - mean], capsize=3,
                         marker=style.marker(variant), color=style.color(variant), label=variant)
        axes[2].plot(by[HIT].mean().index, by[HIT].mean(), marker=style.marker(variant),
                     color=style.color(variant), label=variant)
    jct = df.pivot_table(index=[TURNS, "seed"], columns="variant", values=JCT)
    for variant in VARIANTS[1:]:
        if variant not in jct:
            continue
        ratio = (jct["lru"] / jct[variant]).rename("ratio").reset_index()
        axes[1].scatter(ratio[TURNS], ratio["ratio"], color=style.color(variant), alpha=0.35,
                        marker=style.marker(variant), label=f"{variant}, one seed")
        mean_ratio = ratio.groupby(TURNS)["ratio"].mean()
        axes[1].plot(mean_ratio.index, mean_ratio, color=style.color(variant),
                     label=f"{variant}, mean over seeds")
    axes[1].axhline(1.0, color="grey", linewidth=0.8, linestyle="--")
    axes[0].set_yscale("log")
    axes[0].set_ylabel("mean program JCT (s)")
    axes[1].set_ylabel("JCT ratio LRU / variant (>1: variant faster)")
    axes[2].set_ylabel("prefix hit rate (tokens)")
    for ax in axes:
        ax.set_xlabel("turns per program")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7)
    axes[0].set_title("mean JCT (bars: min-max over 3 seeds)", fontsize=9)
    axes[1].set_title("gain over vLLM (LRU, arrival order)", fontsize=9)
    axes[2].set_title("hit rate", fontsize=9)
    fig.suptitle("Continuum (per-tool or cost-benefit TTL + program FCFS) vs TTL alone vs LRU on "
                 "closed-loop "
                 "agent programs (~800 turns at ~1 turn/s; Llama-3-8B, A100, 96k-token cache)",
                 fontsize=10)
    fig.tight_layout()
    style.save(fig, out_png)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: prefix_continuum_turns.py RESULTS_CSV OUT_PNG")
    main(sys.argv[1], sys.argv[2])
