#!/usr/bin/env python3
"""Average job completion time of ATP and ESA on two rack switches, each with and without
ATP's congestion control (two-level aggregation, finite buffers), as the number of concurrent
jobs and the per-switch aggregator memory vary (ESA, arXiv 2201.06398; ATP, NSDI'21).

usage: ina_racks.py results.csv out.png   (results.csv from `xpusim sweep configs/sweeps/ina_racks.yaml`)
"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import style  # noqa: E402

POLICY = "switch_memory.policy"
CC = "network.congestion_control"
JOBS = "workload.count"
MEMORY = "switch.aggregator_memory_kb"
SLOT_BYTES = 256  # 64 elements x 4 bytes (tofino preset)


def label(policy, cc):
    return f"{policy} + CC" if str(cc).lower() == "true" else policy


def main(csv_path, png_path):
    df = style.ok_points(csv_path)
    df["slots"] = (df[MEMORY] * 1024 / SLOT_BYTES).round().astype(int)
    df["jct_ms"] = df["jct_s.mean"] * 1e3
    df["variant"] = [label(p, c) for p, c in zip(df[POLICY], df[CC])]
    mean = df.groupby(["variant", "slots", JOBS])["jct_ms"].mean().reset_index()
    slots = sorted(mean["slots"].unique())
    fig, axes = plt.subplots(1, len(slots) + 1, figsize=(4.2 * (len(slots) + 1), 3.6))
    variants = ["atp", "atp + CC", "esa", "esa + CC"]
    for ax, s in zip(axes, slots):
        part = mean[mean["slots"] == s]
        for v in variants:
            p = part[part["variant"] == v].sort_values(JOBS)
            policy = v.split()[0]
            ax.plot(p[JOBS], p["jct_ms"], marker=style.marker(policy), color=style.color(policy),
                    ls="-" if "CC" in v else ":", label=v)
        ax.set_title(f"{s} slots per rack switch")
        ax.set_xlabel("concurrent jobs")
        ax.set_ylabel("average JCT (ms)")
        ax.set_xticks(sorted(part[JOBS].unique()))
        ax.grid(alpha=0.3)
    axes[0].legend()
    ax = axes[-1]
    wide = mean.pivot_table(index=["slots", JOBS], columns="variant", values="jct_ms").reset_index()
    wide["same_cc"] = wide["atp + CC"] / wide["esa + CC"]
    wide["best"] = wide[["atp", "atp + CC"]].min(axis=1) / wide[["esa", "esa + CC"]].min(axis=1)
    for s in slots:
        p = wide[wide["slots"] == s].sort_values(JOBS)
        ax.plot(p[JOBS], p["same_cc"], marker="^", label=f"{s} slots, both + CC")
        ax.plot(p[JOBS], p["best"], marker="v", ls=":", label=f"{s} slots, best of each")
    ax.axhline(1.0, color="grey", lw=0.8)
    ax.axhline(1.35, color="grey", lw=0.8, ls="--", label="paper: up to 1.35x")
    ax.set_title("ESA vs ATP (two racks)")
    ax.set_xlabel("concurrent jobs")
    ax.set_ylabel("avg JCT speed-up (x)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    style.save(fig, png_path)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
