#!/usr/bin/env python3
"""Figure for configs/sweeps/prefix_pd_output_return.yaml: python3 prefix_pd_output_return.py
results.csv out.png. Prefill-decode disaggregation with a prefix cache on the prefill pool: a
finished turn's KV freed on the decode instance (drop) or copied back to the prefill cache
(to_prefill), against the response length, at two session rates (solid: the lower). Panels:
token hit rate, mean TTFT, mean-TTFT ratio drop / to_prefill (> 1: copying back is faster)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import style  # noqa: E402

MODE = "prefix_cache.decode_output"
RESP = "workload.response_tokens"
RATE = "workload.session_rate_per_s"


def main(results_csv, out_png):
    df = style.ok_points(results_csv)
    style.print_completed(df)
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    for rate, dash in zip(sorted(df[RATE].unique()), ["-", "--", ":"]):
        sub = df[df[RATE] == rate]
        for mode in ["drop", "to_prefill"]:
            g = sub[sub[MODE] == mode].sort_values(RESP)
            key = f"decode output: {mode}"
            kw = dict(marker=style.marker(key), color=style.color(key), linestyle=dash,
                      label=f"{mode}, {rate:g} sessions/s")
            axes[0].plot(g[RESP], g["prefix_cache.hit_rate_tokens"], **kw)
            axes[1].plot(g[RESP], g["ttft_s.mean"], **kw)
        ttft = sub.pivot_table(index=RESP, columns=MODE, values="ttft_s.mean")
        axes[2].plot(ttft.index, ttft["drop"] / ttft["to_prefill"], marker="o", color="black",
                     linestyle=dash, label=f"{rate:g} sessions/s")
    axes[2].axhline(1.0, color="grey", linewidth=0.8, linestyle=":")
    axes[2].set_title("mean TTFT ratio (>1: better than the baseline)", fontsize=9)
    axes[0].set_ylabel("prefix hit rate (tokens)")
    axes[1].set_ylabel("mean TTFT (s)")
    axes[2].set_ylabel("TTFT ratio drop / to_prefill")
    for ax in axes:
        ax.set_xscale("log")
        ax.set_xlabel("response length (tokens, mean)")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle("Disaggregated prefill/decode: generated KV dropped vs copied back to the prefill "
                 "cache (2P+1D A100, Llama-3-8B, closed-loop chat)", fontsize=10)
    fig.tight_layout()
    style.save(fig, out_png)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: prefix_pd_output_return.py RESULTS_CSV OUT_PNG")
    main(sys.argv[1], sys.argv[2])
