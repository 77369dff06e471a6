#!/usr/bin/env python3
"""BuddyMoE against its paper's baseline (fetch-on-demand behind the same next-layer
prefetcher) across GPU expert-cache sizes: decode speed and the quality proxy
(configs/sweeps/moe_offload_buddy.yaml; docs/reproductions/moe.md).
Usage: moe_offload_buddy.py RESULTS_CSV OUTPUT_PNG"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

import style  # noqa: E402

CACHE = "cache.experts_per_layer"


def main(results, out_png):
    df = pd.read_csv(results)
    df = df[df["status"] == "ok"].copy()
    by = df.groupby(["offload.policy", CACHE]).mean(numeric_only=True)
    fig, (speed, quality) = plt.subplots(1, 2, figsize=(9.5, 3.8))
    for policy, label, fmt in [("fetch_on_demand", "fetch on demand + prefetch (baseline)", "--x"),
                               ("buddy", "BuddyMoE (same prefetch)", "-s")]:
        rows = by.loc[policy]["throughput.tokens_per_s"]
        speed.plot(rows.index, rows.values, fmt, color=style.color(policy), label=label,
                   markersize=4)
    speed.set_xlabel("GPU expert cache (experts per layer, of 64)")
    speed.set_ylabel("decode tokens/s (1 sequence)")
    speed.set_ylim(bottom=0)
    speed.grid(alpha=0.3)
    speed.legend(fontsize=7, loc="lower right")
    buddy = by.loc["buddy"]
    quality.plot(buddy.index, 100 * buddy["quality_loss.substituted_mass_share"], "-s",
                 color=style.color("buddy"), label="routing mass computed by a buddy", markersize=4)
    quality.plot(buddy.index, 100 * buddy["quality_loss.similarity_weighted_loss"], ":o",
                 color=style.color("buddy"), label="... weighted by 1 - similarity", markersize=4)
    quality.set_xlabel("GPU expert cache (experts per layer, of 64)")
    quality.set_ylabel("% of routing mass (quality proxy)")
    quality.set_ylim(bottom=0)
    quality.grid(alpha=0.3)
    quality.legend(fontsize=7, loc="upper right")
    fig.suptitle("BuddyMoE, DeepSeek-V2-Lite offloaded on one L4, co-activation routing (xpusim)",
                 fontsize=10)
    fig.tight_layout()
    style.save(fig, out_png)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
