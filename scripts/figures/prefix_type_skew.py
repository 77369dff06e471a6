#!/usr/bin/env python3
"""Figure for configs/sweeps/prefix_type_skew.yaml: python3 prefix_type_skew.py results.csv
out.png. SAECache's premise, token types reused at different rates: LRU, LFU and SAE on agent
sessions across KV cache sizes, without type skew (solid) and with workload.type_reuse
"tool:0.1, reasoning:0.2" (dashed). Panels: mean TTFT, token hit rate, and the mean-TTFT ratio
LRU / policy (> 1: the policy is faster than LRU)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import style  # noqa: E402

POLICY = "prefix_cache.eviction.policy"
SIZE = "instance.kv_blocks"
SKEW = "workload.type_reuse"
POLICIES = ["lru", "lfu", "sae"]
BLOCK_TOKENS = 16


def main(results_csv, out_png):
    df = style.ok_points(results_csv)
    style.print_completed(df)
    # An unset type_reuse is written as the empty string ("" in the CSV).
    df["skewed"] = df[SKEW].fillna("").astype(str).str.strip('"') != ""
    df["k_tokens"] = df[SIZE] * BLOCK_TOKENS / 1000
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    for skewed, dash, tag in [(False, "-", "no skew"), (True, "--", "type skew")]:
        sub = df[df["skewed"] == skewed]
        lru = sub[sub[POLICY] == "lru"].set_index("k_tokens")["ttft_s.mean"]
        for policy in POLICIES:
            g = sub[sub[POLICY] == policy].sort_values("k_tokens")
            if g.empty:
                continue
            kw = dict(marker=style.marker(policy), color=style.color(policy), linestyle=dash,
                      label=f"{policy}, {tag}")
            axes[0].plot(g["k_tokens"], g["ttft_s.mean"], **kw)
            axes[1].plot(g["k_tokens"], g["prefix_cache.hit_rate_tokens"], **kw)
            if policy != "lru":
                ratio = lru / g.set_index("k_tokens")["ttft_s.mean"]
                axes[2].plot(ratio.index, ratio.values, **kw)
    axes[2].axhline(1.0, color="grey", linewidth=0.8, linestyle=":")
    axes[2].set_title("mean TTFT ratio (>1: better than the baseline)", fontsize=9)
    axes[0].set_yscale("log")
    axes[0].set_ylabel("mean TTFT (s)")
    axes[1].set_ylabel("prefix hit rate (tokens)")
    axes[2].set_ylabel("TTFT ratio LRU / policy")
    for ax in axes:
        ax.set_xscale("log")
        ax.set_xlabel("KV cache size (thousand tokens)")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle("Token-type reuse skew (SAECache): LRU vs LFU vs SAE on agent sessions "
                 "(Llama-3-8B, A100; skew: tool 0.1, reasoning 0.2)", fontsize=10)
    fig.tight_layout()
    style.save(fig, out_png)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: prefix_type_skew.py RESULTS_CSV OUT_PNG")
    main(sys.argv[1], sys.argv[2])
