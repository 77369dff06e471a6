#!/usr/bin/env python3
"""Accumulated service difference over time per fairness policy (VTC Fig. 3 style).

Usage: fairness_service_gap.py RESULTS_CSV OUTPUT_PNG

Reads the sweep's results.csv for the points and, from each point's directory
(points/<point>/ next to results.csv), its tenant_service.csv time series: cumulative
weight-normalised service per tenant at the end of every window (docs/fairness.md).
"""
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

import style  # noqa: E402

# VTC's bound for the overload scenario: 2 * max(w_p * L_in, w_q * M), M = 10000 KV tokens.
VTC_BOUND = 2 * max(1 * 256, 2 * 10000)
TENANT_LINES = ["-", "--", ":", "-."]  # colour = policy, line style = tenant


def point_dir(root, point):
    # `xpusim sweep` names each point's directory after its `point` id (docs/sweeps.md).
    d = os.path.join(root, "points", str(point))
    if not os.path.isdir(d):
        raise SystemExit(f"no directory for point {point} under {root}/points")
    return d


def main(results_csv, out_png):
    results = pd.read_csv(results_csv)
    results = results[results["status"] == "ok"]
    root = os.path.dirname(os.path.abspath(results_csv))
    fig, (ax_gap, ax_rate) = plt.subplots(1, 2, figsize=(12, 4.5))
    for _, row in results.iterrows():
        policy = row["fairness.policy"]
        ts = pd.read_csv(os.path.join(point_dir(root, row["point"]), "tenant_service.csv"))
        wide = ts.pivot(index="time_s", columns="tenant", values="service")
        gap = wide.max(axis=1) - wide.min(axis=1)
        ax_gap.plot(gap.index, gap.values, color=style.color(policy), label=policy)
        if policy in ("fcfs", "vtc"):
            rate = ts.pivot(index="time_s", columns="tenant", values="window_service")
            window = float(row["fairness.window_s"])
            for i, tenant in enumerate(rate.columns):
                ax_rate.plot(rate.index, rate[tenant] / window, label=f"{policy} {tenant}",
                             color=style.color(policy), linestyle=TENANT_LINES[i % len(TENANT_LINES)])
    ax_gap.axhline(VTC_BOUND, color="grey", linestyle=":", label="VTC bound 2U")
    ax_gap.set_xlabel("time (s)")
    ax_gap.set_ylabel("accumulated service difference (weighted tokens)")
    ax_gap.set_title("max - min accumulated service across tenants")
    ax_gap.legend()
    ax_rate.set_xlabel("time (s)")
    ax_rate.set_ylabel("service rate (weighted tokens / s)")
    ax_rate.set_title("per-tenant service rate per window")
    ax_rate.legend(fontsize="small")
    fig.tight_layout()
    style.save(fig, out_png)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
