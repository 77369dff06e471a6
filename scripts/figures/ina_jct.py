#!/usr/bin/env python3
"""Average job completion time of the switch-memory policies (static_pool, atp, esa) as the
number of concurrent jobs and the aggregator slot count vary (ESA, arXiv 2201.06398).

usage: ina_jct.py results.csv out.png   (results.csv from `xpusim sweep configs/sweeps/ina_jct.yaml`)
"""
import sys

import matplotlib

matplotlib.use("Agg")

import ina_plot  # noqa: E402
import style  # noqa: E402

POLICY = "switch_memory.policy"
POLICIES = ["static_pool", "atp", "esa"]


def main(csv_path, png_path):
    mean = ina_plot.mean_jct(csv_path, lambda df: df[POLICY])
    fig, axes, slots = ina_plot.jct_panels(
        mean, POLICIES, "{} aggregator slots", lambda p: (style.color(p), style.marker(p), "-"))
    # Last panel: ESA's speed-up over the better baseline at each point.
    ax = axes[-1]
    wide = ina_plot.wide(mean)
    wide["best_baseline"] = wide[["static_pool", "atp"]].min(axis=1)
    wide["speedup"] = wide["best_baseline"] / wide["esa"]
    for s in slots:
        p = wide[wide["slots"] == s].sort_values(ina_plot.JOBS)
        ax.plot(p[ina_plot.JOBS], p["speedup"], marker="^", label=f"{s} slots")
    ina_plot.finish_speedup(ax, "ESA vs best baseline")
    ina_plot.save(fig, png_path)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
