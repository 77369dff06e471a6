#!/usr/bin/env python3
"""Average job completion time of the switch-memory policies (static_pool, atp, esa) as the
number of concurrent jobs and the aggregator slot count vary (ESA, arXiv 2201.06398).

usage: ina_jct.py results.csv out.png   (results.csv from `xpusim sweep configs/sweeps/ina_jct.yaml`)
"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

import style  # noqa: E402

POLICY = "switch_memory.policy"
JOBS = "workload.count"
MEMORY = "switch.aggregator_memory_kb"
SLOT_BYTES = 256  # 64 elements x 4 bytes (tofino preset)
POLICIES = ["static_pool", "atp", "esa"]


def main(csv_path, png_path):
    df = pd.read_csv(csv_path)
    df = df[df["status"] == "ok"]
    df["slots"] = (df[MEMORY] * 1024 / SLOT_BYTES).round().astype(int)
    df["jct_ms"] = df["jct_s.mean"] * 1e3
    mean = df.groupby([POLICY, "slots", JOBS])["jct_ms"].mean().reset_index()
    slots = sorted(mean["slots"].unique())
    fig, axes = plt.subplots(1, len(slots) + 1, figsize=(4.2 * (len(slots) + 1), 3.6))
    for ax, s in zip(axes, slots):
        part = mean[mean["slots"] == s]
        for policy in POLICIES:
            p = part[part[POLICY] == policy].sort_values(JOBS)
            if len(p):
                ax.plot(p[JOBS], p["jct_ms"], marker=style.marker(policy), color=style.color(policy), label=policy)
        ax.set_title(f"{s} aggregator slots")
        ax.set_xlabel("concurrent jobs")
        ax.set_ylabel("average JCT (ms)")
        ax.set_xticks(sorted(part[JOBS].unique()))
        ax.grid(alpha=0.3)
    axes[0].legend()
    # Last panel: ESA's speed-up over the better baseline at each point.
    ax = axes[-1]
    wide = mean.pivot_table(index=["slots", JOBS], columns=POLICY, values="jct_ms").reset_index()
    wide["best_baseline"] = wide[["static_pool", "atp"]].min(axis=1)
    wide["speedup"] = wide["best_baseline"] / wide["esa"]
    for s in slots:
        p = wide[wide["slots"] == s].sort_values(JOBS)
        ax.plot(p[JOBS], p["speedup"], marker="^", label=f"{s} slots")
    ax.axhline(1.0, color="grey", lw=0.8)
    ax.axhline(1.35, color="grey", lw=0.8, ls="--", label="paper: up to 1.35x")
    ax.set_title("ESA vs best baseline")
    ax.set_xlabel("concurrent jobs")
    ax.set_ylabel("avg JCT speed-up (x)")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    style.save(fig, png_path)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
