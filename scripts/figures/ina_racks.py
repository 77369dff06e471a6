#!/usr/bin/env python3
"""Average job completion time of SwitchML-style static pools, ATP and ESA on two rack
switches, each with and without ATP's congestion control (two-level aggregation, finite
buffers), as the number of concurrent jobs and the per-switch aggregator memory vary (ESA,
arXiv 2201.06398; ATP, NSDI'21; SwitchML, NSDI'21). The last panel: ESA over ATP, and ATP over
static pools.

usage: ina_racks.py results.csv out.png   (results.csv from `xpusim sweep configs/sweeps/ina_racks.yaml`)
"""
import sys

import matplotlib

matplotlib.use("Agg")

import ina_plot  # noqa: E402
import style  # noqa: E402

POLICY = "switch_memory.policy"
CC = "network.congestion_control"
VARIANTS = ["static_pool", "static_pool + CC", "atp", "atp + CC", "esa", "esa + CC"]


def label(policy, cc):
    return f"{policy} + CC" if str(cc).lower() == "true" else policy


def line_style(variant):
    policy = variant.split()[0]
    return style.color(policy), style.marker(policy), "-" if "CC" in variant else ":"


def main(csv_path, png_path):
    mean = ina_plot.mean_jct(csv_path,
                             lambda df: [label(p, c) for p, c in zip(df[POLICY], df[CC])])
    fig, axes, slots = ina_plot.jct_panels(mean, VARIANTS, "{} slots per rack switch", line_style)
    ax = axes[-1]
    wide = ina_plot.wide(mean)
    best = {p: wide[[p, p + " + CC"]].min(axis=1) for p in ("static_pool", "atp", "esa")}
    wide["esa_same_cc"] = wide["atp + CC"] / wide["esa + CC"]
    wide["esa_best"] = best["atp"] / best["esa"]
    wide["atp_best"] = best["static_pool"] / best["atp"]
    for s in slots:
        p = wide[wide["slots"] == s].sort_values(ina_plot.JOBS)
        x = p[ina_plot.JOBS]
        ax.plot(x, p["esa_same_cc"], marker="^", label=f"{s} slots, ESA/ATP both + CC")
        ax.plot(x, p["esa_best"], marker="v", ls=":", label=f"{s} slots, ESA/ATP best of each")
        ax.plot(x, p["atp_best"], marker="s", ls="--", label=f"{s} slots, ATP/static best of each")
    ina_plot.finish_speedup(ax, "speed-ups on two racks", fontsize=6)
    ina_plot.save(fig, png_path)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
