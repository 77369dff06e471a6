#!/usr/bin/env python3
"""FastSwitch against vLLM's swap under fairness-driven preemption (configs/sweeps/fairness_fastswitch_preempt.yaml).

Usage: fairness_fastswitch_preempt.py RESULTS_CSV OUTPUT_PNG

One line per configuration under VTC over two tenants: memory only (vLLM swap, preemption from
memory pressure only), vllm swap (vLLM's priority scheduling with priorities re-computed every
100 iterations from VTC's counters, per-block blocking swaps: the paper's baseline), fastswitch
(the same preemptions with block groups, overlapped swaps and reuse of the host copy). x: offered
load (requests/s, both tenants). Panels: p99 TTFT, p99 TBT, time the iterations waited for swaps,
preemptions per request, output throughput. Every run goes on until every arrival has finished.
Prints the table docs/reproductions/fairness.md quotes, with fastswitch's tail speedups over
vllm swap.
"""
import sys

import matplotlib

matplotlib.use("Agg")

import style  # noqa: E402

PANELS = [
    ("ttft_s.p99", "p99 TTFT (s)"),
    ("tbt_s.p99", "p99 TBT (s)"),
    ("context_switch.stall_s", "swap stall (s)"),
    ("preemptions_per_request", "preemptions per request"),
    ("throughput.output_tokens_per_s", "output throughput (tokens/s)"),
]
ORDER = ["memory only", "vllm swap", "fastswitch"]


def truthy(value):
    return value in (True, "true", "True", 1, "1")


def label(row):
    if not truthy(row["instance.preempt_for_priority"]):
        return "memory only"
    return "fastswitch" if truthy(row["instance.swap_overlap"]) else "vllm swap"


def main(results_csv, out_png):
    df = style.ok_points(results_csv)
    df["config"] = df.apply(label, axis=1)
    df["load"] = df["workload.rates_per_s"].map(lambda s: sum(float(x) for x in str(s).split(",")))
    df["preemptions_per_request"] = df["requests.preempted"] / df["requests.completed"]
    df["finished"] = df["requests.completed"] / df["requests.arrived"]
    fig, axes = style.load_panels(df, PANELS, ORDER)
    axes[0].legend(title="preemption, swap mechanism", fontsize="small")
    fig.suptitle("Llama-2-7B on one L4 (PCIe 4.0), 10,000-token KV cache, VTC over two tenants, "
                 "priorities re-computed every 100 iterations, every arrival served")
    fig.tight_layout()
    style.save(fig, out_png)
    cols = [c for c, _ in PANELS] + ["context_switch.transfers", "context_switch.bytes", "finished"]
    table = df.groupby(["load", "config"])[cols].mean()
    print(table.round(4).to_string())
    for metric in ("ttft_s.p99", "tbt_s.p99"):
        wide = table[metric].unstack("config")
        print(f"{metric} speedup of fastswitch over vllm swap:")
        print((wide["vllm swap"] / wide["fastswitch"]).round(2).to_string())


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
