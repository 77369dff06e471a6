#!/usr/bin/env python3
"""Equinox against VTC, and which of its parts does what (configs/sweeps/fairness_equinox.yaml).

Usage: fairness_equinox.py RESULTS_CSV OUTPUT_PNG

One line per configuration, fairness policy + batching policy: vtc+artifact (the baseline: VTC's
counter with its artifact's admission, prompt + max output reserved per request), vtc+vllm (VTC
over vLLM's greedy paged admission), vtc+adaptive (VTC over Equinox's adaptive batching) and
equinox+adaptive (Equinox: holistic score with the latency term, adaptive batching) and the same
with predicted output lengths, "equinox+adaptive, cv X" (fairness and batching predictors
noisy_oracle: truth times a log-normal error of mean 1 and CV X). x: offered load (requests/s, both tenants). Panels: output throughput, median
and p99 TTFT, mean per-window Jain's index over backlogged tenants, recompute preemptions.
Every run goes on until every arrival has finished, so TTFT covers every request. Prints the
table docs/reproductions/fairness.md quotes.
"""
import sys

import matplotlib

matplotlib.use("Agg")

import style  # noqa: E402

PANELS = [
    ("throughput.output_tokens_per_s", "output throughput (tokens/s)"),
    ("ttft_s.p50", "median TTFT (s)"),
    ("ttft_s.p99", "p99 TTFT (s)"),
    ("fairness.jain_backlogged_mean", "Jain's index, backlogged tenants\n(mean per 20 s window)"),
    ("requests.preempted", "preemptions"),
]
ORDER = ["vtc+artifact", "vtc+vllm", "vtc+adaptive", "equinox+adaptive",
         "equinox+adaptive, cv 0.5", "equinox+adaptive, cv 1"]
BATCHING = {"orca": "artifact", "vllm": "vllm", "equinox": "adaptive"}


def label(row):
    name = f"{row['fairness.policy']}+{BATCHING[row['batching.policy']]}"
    if row.get("batching.predictor") == "noisy_oracle":
        name += f", cv {float(row['batching.noise_cv']):g}"
    return name


def main(results_csv, out_png):
    df = style.ok_points(results_csv)
    df["config"] = df.apply(label, axis=1)
    df["load"] = df["workload.rates_per_s"].map(lambda s: sum(float(x) for x in str(s).split(",")))
    df["finished"] = df["requests.completed"] / df["requests.arrived"]
    fig, axes = style.load_panels(df, PANELS, ORDER)
    axes[-1].legend(title="fairness + batching", fontsize="small", loc="upper left")
    fig.suptitle("Llama-2-7B on one L4, 10,000-token KV cache, two tenants (1:2 rates), "
                 "outputs 16-1,024 tokens, every arrival served to completion")
    fig.tight_layout()
    style.save(fig, out_png)
    cols = [c for c, _ in PANELS] + ["finished"]
    table = df.groupby(["load", "config"])[cols].mean()
    print(table.round(3).to_string())


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
