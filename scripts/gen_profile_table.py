#!/usr/bin/env python3
"""Writes a SYNTHETIC example profile table for the profile_table execution model.

The table has the column layout of the mlp.csv files Vidur's profiler writes (see "Profile
tables" in docs/execution-model.md), but its times are NOT measurements: they come from the
roofline formulas of src/model/operator_costs.cpp and src/model/roofline_model.cpp with the
default factors, for Llama-3-8B on an H100 SXM at TP 1 and 2 and ~40 token counts from 1 to
8192. It exists to illustrate the format, to give configs/profile_table.yaml a table to run
with, and for tests (at a table point the profile-table model must reproduce the roofline).

Conventions that mirror how the C++ model uses a table:
- GEMMs at <= 256 tokens use decode_mfu, larger counts prefill_mfu (as
  scripts/calibrate_roofline.py evaluates the measured profiles).
- `add` holds both residual adds of a layer (the model sums each column once per layer).
- min/max/mean/median all hold the same value and std is 0.
- A first '#' line labels the file as synthetic (the reader skips '#' lines).

Usage: scripts/gen_profile_table.py [OUT]   (default configs/profiles/example_h100_llama3_8b.csv)
Only the Python standard library is needed.
"""
import math
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(ROOT, "configs", "profiles", "example_h100_llama3_8b.csv")
DEVICE = os.path.join(ROOT, "configs", "hardware", "h100-sxm.yaml")
MODEL = os.path.join(ROOT, "configs", "models", "llama-3-8b.yaml")
FACTORS = os.path.join(ROOT, "include", "xpusim", "model", "roofline_model.hpp")
DECODE_MAX_TOKENS = 256
BPE = 2  # bf16
TP_DEGREES = (1, 2)
OPS = ("emb", "input_layernorm", "attn_pre_proj", "attn_rope", "attn_post_proj",
       "post_attention_layernorm", "mlp_up_proj", "mlp_act", "mlp_down_proj", "add")
STATS = ("min", "max", "mean", "median", "std")


def token_counts():
    """1, 2, 4, 8, 12, then p, 1.25p, 1.5p, 1.75p for p = 16 .. 4096, and 8192: 42 counts."""
    out = [1, 2, 4, 8, 12]
    p = 16
    while p <= 4096:
        out += [p, p * 5 // 4, p * 3 // 2, p * 7 // 4]
        p *= 2
    return out + [8192]


def read_flat_yaml(path):
    """key: number pairs of a preset file (comments dropped)."""
    values = {}
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if ":" in line:
                key, value = (s.strip() for s in line.split(":", 1))
                values[key] = value
    return values


def read_factors(path):
    """The RooflineFactors defaults, from the struct's initialisers (the one place they live)."""
    with open(path) as f:
        text = f.read()
    wanted = ("prefill_mfu", "decode_mfu", "memory_efficiency", "op_latency_s")
    return {k: float(re.search(r"double %s = ([0-9.e-]+);" % k, text).group(1)) for k in wanted}


def op_times(model, device, factors, tokens, tp):
    """Seconds per operator (one layer; emb once) on one device, as roofline_model.cpp times it."""
    n, h = float(tokens), float(model["hidden"])
    heads, d = int(model["num_heads"]) / tp, float(model["head_dim"])
    kv_heads = math.ceil(int(model["num_kv_heads"]) / tp)
    f = float(model["ffn_hidden"]) / tp
    peak = float(device["peak_bf16_tflops"]) * 1e12
    bw = float(device["memory_bw_gbps"]) * 1e9 * factors["memory_efficiency"]
    gemm_mfu = factors["decode_mfu"] if tokens <= DECODE_MAX_TOKENS else factors["prefill_mfu"]

    def t(flops, nbytes, mfu):
        return max(flops / (peak * mfu), nbytes / bw) + factors["op_latency_s"]

    def gemm(k, m):
        return t(2 * n * k * m, (k * m + n * k + n * m) * BPE, gemm_mfu)

    def memory(flops, nbytes):  # bandwidth-bound operators: compute term at decode_mfu
        return t(flops, nbytes, factors["decode_mfu"])

    q, kv = heads * d, kv_heads * d
    norm = memory(4 * n * h, (2 * n * h + h) * BPE)
    return {
        "emb": memory(0, 2 * n * h * BPE),
        "input_layernorm": norm,
        "attn_pre_proj": gemm(h, q + 2 * kv),
        "attn_rope": memory(3 * n * (q + kv), 2 * n * (q + kv) * BPE),
        "attn_post_proj": gemm(q, h),
        "post_attention_layernorm": norm,
        "mlp_up_proj": gemm(h, 2 * f),
        "mlp_act": memory(3 * n * f, 3 * n * f * BPE),
        "mlp_down_proj": gemm(f, h),
        "add": 2 * memory(n * h, 3 * n * h * BPE),  # both residual adds of the layer
    }


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_OUT
    model, device, factors = read_flat_yaml(MODEL), read_flat_yaml(DEVICE), read_factors(FACTORS)
    header = ["time_stats.%s.%s" % (op, s) for op in OPS for s in STATS]
    header += ["n_head", "n_kv_head", "n_embd", "n_expanded_embd", "vocab_size", "use_gated_mlp",
               "num_tokens", "num_tensor_parallel_workers"]
    shape = [model["num_heads"], model["num_kv_heads"], model["hidden"], model["ffn_hidden"],
             model["vocab"], "True"]
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w") as f:
        f.write("# SYNTHETIC, not measured: roofline formulas for %s on %s, default factors. "
                "Written by scripts/gen_profile_table.py for format illustration and tests.\n"
                % (os.path.basename(MODEL)[:-5], os.path.basename(DEVICE)[:-5]))
        f.write(",".join(header) + "\n")
        for tp in TP_DEGREES:
            for tokens in token_counts():
                times = op_times(model, device, factors, tokens, tp)
                cells = []
                for op in OPS:
                    ms = "%.6g" % (times[op] * 1e3)
                    cells += [ms, ms, ms, ms, "0"]
                f.write(",".join(cells + shape + [str(tokens), str(tp)]) + "\n")
    print("wrote %s (%d rows, synthetic: roofline formulas, not measurements)"
          % (out, len(TP_DEGREES) * len(token_counts())))


if __name__ == "__main__":
    main()
