#!/usr/bin/env python3
"""Gantt view of an xpusim timeline.json (Chrome trace events): one row per device (what it ran)
and one per request (queued / prefill / decode).

Usage: timeline.py TIMELINE_JSON OUTPUT_PNG
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

import style  # noqa: E402

DEVICES, REQUESTS = 1, 3  # trace-event pids of the device and request tracks (docs/outputs.md)
COLORS = {"prefill": "tab:orange", "decode": "tab:blue", "mixed": "tab:purple",
          "queued": "lightgray", "rejected": "tab:red"}


def color_of(name):
    for key, color in COLORS.items():
        if key in name:
            return color
    return "tab:green"


def main(timeline_json, output_png):
    with open(timeline_json) as f:
        events = json.load(f)["traceEvents"]
    names = {(e["pid"], e["tid"]): e["args"]["name"] for e in events
             if e["ph"] == "M" and e["name"] == "thread_name"}
    rows = sorted(k for k in names if k[0] == DEVICES) + sorted(k for k in names if k[0] == REQUESTS)
    y_of = {k: i for i, k in enumerate(rows)}
    fig, ax = plt.subplots(figsize=(10, 0.32 * len(rows) + 1.4))
    used = set()
    for e in events:
        key = (e["pid"], e["tid"])
        if key not in y_of:
            continue
        if e["ph"] == "X":
            color = color_of(e["name"])
            used.add(color)
            ax.broken_barh([(e["ts"] / 1e6, e["dur"] / 1e6)], (y_of[key] - 0.4, 0.8),
                           facecolors=color, linewidth=0)
        elif e["ph"] == "i":
            ax.plot(e["ts"] / 1e6, y_of[key], marker="x", color="black", markersize=4)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([names[k] for k in rows], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("simulated time (s)")
    ax.set_ylabel("device / request track")
    ax.legend(handles=[Patch(color=c, label=n) for n, c in COLORS.items() if c in used],
              loc="lower right", fontsize=7)
    ax.grid(True, axis="x", alpha=0.3)
    ax.set_title("xpusim timeline: device activity and request phases")
    fig.tight_layout()
    style.save(fig, output_png)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
