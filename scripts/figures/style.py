"""One look for every figure: a fixed colour and marker per policy (the same policy looks the same
in every figure of docs/), and one save() that writes the PNG for docs/ at 300 dpi plus a PDF
beside it for papers (vector; same name, .pdf).

Policies not listed get a colour from the tail of the palette in order of first use, so a new
policy still draws, only without a stable colour until it is added here."""
import os

# Families share hues: baselines in warm colours, the paper's policy in blue/green where a
# figure compares one proposal against baselines.
_STYLE = {
    # batching
    "vllm": ("tab:blue", "o"), "sarathi": ("tab:red", "^"), "orca": ("tab:green", "s"),
    "static": ("tab:gray", "D"), "layered_prefill": ("tab:purple", "v"),
    # routers (cluster dispatch)
    "round_robin": ("tab:gray", "o"), "least_outstanding": ("tab:orange", "s"),
    "llumnix": ("tab:blue", "^"),
    "least_outstanding_capacity": ("tab:green", "v"), "phase_aware": ("tab:purple", "D"),
    # clusters
    "dp2": ("tab:orange", "o"), "pd-1p1d": ("tab:blue", "^"),
    "pd-h100": ("tab:orange", "o"), "pd-h100-a100": ("tab:blue", "^"), "pd-l40s-h100": ("tab:green", "s"),
    # soc flow scheduling
    "igpu_only": ("tab:red", "o"), "static_partition": ("tab:orange", "s"),
    "igpu_continuous": ("tab:brown", "D"), "agent_xpu": ("tab:blue", "^"),
    # agent_xpu with the CPU as an engine (issue 18)
    "agent_xpu+cpu_small": ("tab:cyan", "v"), "agent_xpu+cpu_overflow": ("tab:green", "s"),
    "agent_xpu+cpu_both": ("tab:purple", "P"),
    # in-network aggregation
    "static_pool": ("tab:orange", "s"), "atp": ("tab:red", "o"), "esa": ("tab:blue", "^"),
    # prefix-cache eviction
    "lru": ("tab:blue", "o"), "lfu": ("tab:orange", "s"), "ttl": ("tab:green", "^"),
    "fifo": ("tab:gray", "D"), "sae": ("tab:red", "v"), "sae_cache": ("tab:red", "v"),
    "continuum": ("tab:purple", "*"), "continuum cost-benefit": ("tab:brown", "P"),
    "lru + program fcfs": ("tab:cyan", "X"),
    "decode output: drop": ("tab:gray", "o"), "decode output: to_prefill": ("tab:blue", "^"),
    # fairness
    "fcfs": ("tab:gray", "o"), "rpm_limit": ("tab:orange", "s"), "vtc": ("tab:blue", "^"),
    "equinox": ("tab:green", "v"),
    # fairness ablations: fairness policy + batching policy (Equinox), swap mechanisms (FastSwitch)
    "vtc+artifact": ("tab:blue", "^"), "vtc+vllm": ("tab:gray", "o"),
    "vtc+adaptive": ("tab:cyan", "P"), "equinox+adaptive": ("tab:green", "v"),
    "equinox+adaptive, cv 0.5": ("tab:olive", "X"), "equinox+adaptive, cv 1": ("tab:brown", "h"),
    "vllm swap": ("tab:red", "o"), "+block groups": ("tab:orange", "s"),
    "+overlap": ("tab:purple", "D"), "fastswitch": ("tab:green", "v"),
    "memory only": ("tab:gray", "s"),
    # faults
    "requeue": ("tab:blue", "o"), "drop": ("tab:red", "s"), "lose": ("tab:red", "s"),
    # expert placement
    "static_placement": ("tab:gray", "o"), "eplb": ("tab:orange", "s"),
    "relibra": ("tab:blue", "^"), "micromoe": ("tab:green", "v"),
    # expert offload
    "fetch_on_demand": ("tab:gray", "o"), "static_hybrid": ("black", "o"), "hybrimoe": ("tab:blue", "^"),
    "buddy": ("tab:green", "s"),
}
_SPARE = ["tab:brown", "tab:pink", "tab:olive", "tab:cyan"]
_MARKERS = ["P", "X", "*", "h"]
_assigned = {}


def _lookup(policy):
    key = str(policy)
    if key in _STYLE:
        return _STYLE[key]
    if key not in _assigned:
        i = len(_assigned) % len(_SPARE)
        _assigned[key] = (_SPARE[i], _MARKERS[i])
    return _assigned[key]


def color(policy):
    return _lookup(policy)[0]


def marker(policy):
    return _lookup(policy)[1]


def save(fig, output_png):
    """Writes OUTPUT_PNG at 300 dpi and the same figure as a PDF beside it."""
    fig.savefig(output_png, dpi=300)
    fig.savefig(os.path.splitext(output_png)[0] + ".pdf")


def ok_points(results_csv):
    """The rows of a sweep's results.csv whose point ran (status ok), as a DataFrame copy; says on
    stderr how many failed points were left out."""
    import sys

    import pandas as pd

    df = pd.read_csv(results_csv)
    failed = int((df["status"] != "ok").sum())
    if failed:
        print(f"{results_csv}: {failed} failed points left out", file=sys.stderr)
    return df[df["status"] == "ok"].copy()


def band(ax, group, x, metric, policy, label=None, linestyle="-", alpha=0.15):
    """Draws `metric` against `x` for one policy's rows: the mean over seeds as a line in the
    policy's colour and marker, and a band from the seeds' minimum to maximum."""
    by_x = group.groupby(x)[metric].agg(["mean", "min", "max"]).sort_index()
    c = color(policy)
    ax.plot(by_x.index, by_x["mean"], marker=marker(policy), color=c, linestyle=linestyle,
            label=policy if label is None else label)
    ax.fill_between(by_x.index, by_x["min"], by_x["max"], color=c, alpha=alpha)
    return by_x


def print_completed(df):
    """The smallest fraction of arrived requests that completed over the points (the docs state
    that the measured requests are the bulk)."""
    finished = df["requests.completed"] / df["requests.arrived"]
    print(f"fraction of arrived requests completed: min {finished.min():.3f}")


def load_panels(df, panels, order):
    """One panel per (column, ylabel) of `panels`, each the mean of `column` over seeds against
    df["load"] for every config of `order` present in df["config"]; returns (fig, axes)."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(panels), figsize=(19, 3.8))
    for ax, (column, ylabel) in zip(axes, panels):
        for config in [c for c in order if c in set(df["config"])]:
            sel = df[df["config"] == config].groupby("load")[column].mean().sort_index()
            ax.plot(sel.index, sel.values, marker=marker(config), color=color(config), label=config)
        ax.set(xlabel="offered load (requests/s)", ylabel=ylabel)
        ax.grid(True, alpha=0.3)
    return fig, axes
