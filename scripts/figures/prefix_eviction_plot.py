"""Shared plotting for the prefix_eviction_* figures: TTFT (mean, p99) and token hit rate
versus cache size, one line per eviction policy, one row per load level."""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

import style  # noqa: E402

POLICY = "prefix_cache.eviction.policy"
SIZE = "instance.kv_blocks"


def plot(results_csv, out_png, load_key, load_label, title, block_tokens=16, x_key=SIZE,
         x_label="KV cache size (thousand tokens)", x_scale=None):
    """x_scale maps the x column to plotted values (default: blocks -> thousand tokens)."""
    if x_scale is None:
        x_scale = lambda v: v * block_tokens / 1000  # noqa: E731
    df = pd.read_csv(results_csv)
    df = df[df["status"] == "ok"]
    loads = sorted(df[load_key].unique())
    panels = [("ttft_s.mean", "mean TTFT (s)", True), ("ttft_s.p99", "p99 TTFT (s)", True),
              ("prefix_cache.hit_rate_tokens", "prefix hit rate (tokens)", False)]
    fig, axes = plt.subplots(len(loads), len(panels), figsize=(4.2 * len(panels), 3.2 * len(loads)),
                             squeeze=False)
    for r, load in enumerate(loads):
        sub = df[df[load_key] == load]
        for c, (col, label, log) in enumerate(panels):
            ax = axes[r][c]
            for policy, g in sub.groupby(POLICY):
                g = g.sort_values(x_key)
                ax.plot(x_scale(g[x_key]), g[col], marker=style.marker(policy),
                        color=style.color(policy), label=policy)
            if log:
                ax.set_yscale("log")
            ax.set_xlabel(x_label)
            ax.set_ylabel(label)
            ax.set_title(f"{load_label} = {load}", fontsize=9)
            ax.grid(True, alpha=0.3)
    axes[0][0].legend(title="eviction")
    fig.suptitle(title)
    fig.tight_layout()
    style.save(fig, out_png)


if __name__ == "__main__":
    sys.exit("use scripts/figures/prefix_eviction_{chat,agent,mooncake}.py")
