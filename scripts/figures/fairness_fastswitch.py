#!/usr/bin/env python3
"""FastSwitch's context-switch mechanisms against vLLM's swap (configs/sweeps/fairness_fastswitch.yaml).

Usage: fairness_fastswitch.py RESULTS_CSV OUTPUT_PNG

One line per configuration, adding FastSwitch's mechanisms one at a time to vLLM's swap
preemption under VTC: vllm swap (per-block transfers, blocking), +block groups (16 blocks a
transfer), +overlap (swaps beside the compute), fastswitch (+ reuse of the host copy). x: offered
load (requests/s, both tenants). Panels: p99 TTFT, p99 TBT, time the iterations waited for swaps,
bytes moved over PCIe, output throughput. +overlap and fastswitch coincide in every panel but the
bytes: once the swap is hidden behind compute, moving fewer bytes no longer changes any time. Every run goes on until every arrival has finished. Prints the table
docs/reproductions/fairness.md quotes, with each configuration's tail speedups over vllm swap.
"""
import sys

import matplotlib

matplotlib.use("Agg")

import style  # noqa: E402

PANELS = [
    ("ttft_s.p99", "p99 TTFT (s)"),
    ("tbt_s.p99", "p99 TBT (s)"),
    ("context_switch.stall_s", "swap stall (s)"),
    ("swap_gb", "bytes swapped (GB)"),
    ("throughput.output_tokens_per_s", "output throughput (tokens/s)"),
]
ORDER = ["vllm swap", "+block groups", "+overlap", "fastswitch"]


def label(row):
    if row["instance.swap_reuse"] in (True, "true", "True", 1):
        return "fastswitch"
    if row["instance.swap_overlap"] in (True, "true", "True", 1):
        return "+overlap"
    if int(row["instance.swap_block_group"]) > 1:
        return "+block groups"
    return "vllm swap"


def main(results_csv, out_png):
    df = style.ok_points(results_csv)
    df["config"] = df.apply(label, axis=1)
    df["load"] = df["workload.rates_per_s"].map(lambda s: sum(float(x) for x in str(s).split(",")))
    df["swap_gb"] = df["context_switch.bytes"] / 1e9
    fig, axes = style.load_panels(df, PANELS, ORDER)
    axes[0].legend(title="swap mechanism", fontsize="small")
    fig.suptitle("Llama-2-7B on one L4 (PCIe 4.0), 10,000-token KV cache, VTC over two tenants, "
                 "swap preemption, every arrival served to completion")
    fig.tight_layout()
    style.save(fig, out_png)
    cols = [c for c, _ in PANELS] + ["requests.preempted", "context_switch.transfers"]
    table = df.groupby(["load", "config"])[cols].mean()
    print(table.round(4).to_string())
    for metric in ("ttft_s.p99", "tbt_s.p99"):
        wide = table[metric].unstack("config")
        speedup = wide.rdiv(wide["vllm swap"], axis=0)  # baseline / configuration
        print(f"{metric} speedup over vllm swap:")
        print(speedup.round(2).to_string())


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
