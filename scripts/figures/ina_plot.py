"""Shared by the INA figures (ina_jct.py, ina_racks.py): a sweep's average JCT over seeds per
line, aggregator slot count and job count; one panel per slot count with JCT against the job
count; and the closing speed-up panel with the ESA paper's "up to 1.35x" mark."""
import matplotlib.pyplot as plt

import style

JOBS = "workload.count"
MEMORY = "switch.aggregator_memory_kb"
SLOT_BYTES = 256  # 64 elements x 4 bytes (tofino preset)


def mean_jct(csv_path, line_of):
    """The sweep's ok points as the mean JCT (column jct_ms) over seeds per (line, slots, JOBS);
    line_of(df) names each row's line."""
    df = style.ok_points(csv_path)
    df["slots"] = (df[MEMORY] * 1024 / SLOT_BYTES).round().astype(int)
    df["jct_ms"] = df["jct_s.mean"] * 1e3
    df["line"] = line_of(df)
    return df.groupby(["line", "slots", JOBS])["jct_ms"].mean().reset_index()


def jct_panels(mean, lines, panel_title, style_of):
    """One panel per slot count (titled panel_title.format(slots)) with a line per entry of
    `lines` that has points, drawn as style_of(line) = (colour, marker, linestyle), and one more
    panel left for the caller. Returns (fig, axes, slot counts)."""
    slots = sorted(mean["slots"].unique())
    fig, axes = plt.subplots(1, len(slots) + 1, figsize=(4.2 * (len(slots) + 1), 3.6))
    for ax, s in zip(axes, slots):
        part = mean[mean["slots"] == s]
        for line in lines:
            p = part[part["line"] == line].sort_values(JOBS)
            if len(p):
                color, marker, ls = style_of(line)
                ax.plot(p[JOBS], p["jct_ms"], marker=marker, color=color, ls=ls, label=line)
        ax.set_title(panel_title.format(s))
        ax.set_xlabel("concurrent jobs")
        ax.set_ylabel("average JCT (ms)")
        ax.set_xticks(sorted(part[JOBS].unique()))
        ax.grid(alpha=0.3)
    axes[0].legend()
    return fig, axes, slots


def wide(mean):
    """mean with one column per line, indexed by (slots, JOBS) as columns."""
    return mean.pivot_table(index=["slots", JOBS], columns="line", values="jct_ms").reset_index()


def finish_speedup(ax, title, **legend):
    """The last panel's reference lines (1x, the ESA paper's 1.35x), labels and legend."""
    ax.axhline(1.0, color="grey", lw=0.8)
    ax.axhline(1.35, color="grey", lw=0.8, ls="--", label="paper: up to 1.35x")
    ax.set_title(title)
    ax.set_xlabel("concurrent jobs")
    ax.set_ylabel("avg JCT speed-up (x)")
    ax.grid(alpha=0.3)
    ax.legend(**legend)


def save(fig, png_path):
    fig.tight_layout()
    style.save(fig, png_path)
