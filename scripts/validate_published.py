#!/usr/bin/env python3
"""Compare xpusim with published LLM-serving measurements (docs/validation.md).

Runs the scenarios in configs/validation/ with the published setups (hardware, model, tensor
parallelism, dtype, batch, lengths) and prints the tables of docs/validation.md in markdown.

    python3 scripts/validate_published.py [--xpusim build/val/xpusim] [--check docs/validation.md]

--check FILE exits 1 if any table printed here is missing from FILE verbatim (the committed
doc is out of date). Standard library only.
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CFG = os.path.join(ROOT, "configs", "validation")

# Sources (full citations in docs/validation.md).
TRT_LOW_LATENCY = "TRT-LLM perf. doc, Low Latency (v0.5)"
TRT_PEAK = "TRT-LLM perf. doc, Peak Throughput (v0.6.1)"
NEMO = "NeMo Llama-2 inference table"

HW = {"H100": "h100-sxm", "A100": "a100-80gb"}
# Precision of each published setup: TensorRT-LLM's H100 rows are FP8 weights and FP8 KV cache
# (--enable_fp8 --fp8_kv_cache), its A100 rows FP16; NeMo does not state it (BF16 assumed).
DTYPE = {"fp8": ["model.dtype=fp8", "model.kv_dtype=fp8"],
         "fp16": ["model.dtype=fp16", "model.kv_dtype=fp16"],
         "bf16": []}

# Table 1: first-token latency, batch 1, output length 1.
# (gpu, model preset, tp, dtype, prompt tokens, published ms)
PREFILL = [
    ("H100", "llama-2-7b", 1, "fp8", 128, 7),
    ("H100", "llama-2-7b", 1, "fp8", 2048, 36),
    ("H100", "llama-2-70b", 4, "fp8", 128, 26),
    ("H100", "llama-2-70b", 4, "fp8", 2048, 109),
    ("A100", "llama-2-7b", 1, "fp16", 128, 16),
    ("A100", "llama-2-7b", 1, "fp16", 2048, 133),
    ("A100", "llama-2-70b", 4, "fp16", 128, 47),
    ("A100", "llama-2-70b", 4, "fp16", 2048, 377),
]

# Table 2: Llama-2-7B, input 128, output 20, average latency of a batch.
# (gpu, tp, batch, published ms)
DECODE = [
    ("A100", 1, 1, 234.0), ("A100", 1, 2, 249.6), ("A100", 1, 4, 272.6), ("A100", 1, 8, 329.5),
    ("H100", 1, 1, 153.8), ("H100", 1, 2, 160.8), ("H100", 1, 4, 174.8), ("H100", 1, 8, 199.2),
    ("A100", 2, 1, 171.7), ("A100", 2, 8, 237.6), ("H100", 2, 1, 128.6), ("H100", 2, 8, 156.2),
    ("A100", 4, 1, 143.7), ("A100", 4, 8, 196.4), ("H100", 4, 1, 107.4), ("H100", 4, 8, 134.6),
    ("A100", 8, 1, 136.5), ("A100", 8, 8, 181.9), ("H100", 8, 1, 97.6), ("H100", 8, 8, 129.1),
]

# Table 3: static-batch peak throughput, output tokens/s per GPU.
# (gpu, model preset, tp, dtype, batch, input, output, published tok/s/GPU)
THROUGHPUT = [
    ("H100", "llama-2-7b", 1, "fp8", 768, 128, 128, 19694),
    ("H100", "llama-2-7b", 1, "fp8", 112, 128, 2048, 6818),
    ("H100", "llama-2-7b", 1, "fp8", 80, 2048, 128, 2244),
    ("H100", "llama-2-7b", 1, "fp8", 48, 2048, 2048, 2740),
    ("A100", "llama-2-7b", 1, "fp16", 384, 128, 128, 5586),
    ("A100", "llama-2-7b", 1, "fp16", 52, 2048, 128, 591),
    ("H100", "llama-2-70b", 2, "fp8", 1024, 128, 128, 2657),
    ("H100", "llama-2-70b", 4, "fp8", 480, 128, 2048, 1486),
    ("H100", "llama-2-70b", 2, "fp8", 96, 2048, 128, 306),
    ("H100", "llama-2-70b", 2, "fp8", 64, 2048, 2048, 547),
]


def find_xpusim(given):
    if given:
        return given
    for cand in ["build/val/xpusim", "build/release/xpusim", "build/xpusim"] + sorted(
            glob.glob(os.path.join(ROOT, "build", "*", "xpusim"))):
        path = cand if os.path.isabs(cand) else os.path.join(ROOT, cand)
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    sys.exit("xpusim binary not found; build it or pass --xpusim PATH")


def run(xpusim, scenario, sets):
    with tempfile.TemporaryDirectory() as out:
        cmd = [xpusim, "run", os.path.join(CFG, scenario), "--out", out]
        for s in sets:
            cmd += ["--set", s]
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit("failed: %s\n%s%s" % (" ".join(cmd), proc.stdout, proc.stderr))
        with open(os.path.join(out, "summary.json")) as f:
            return json.load(f)


def err(sim, pub):
    return "%+.1f%%" % (100.0 * (sim - pub) / pub)


def common(gpu, model, tp, dtype):
    return ["hardware.preset=" + HW[gpu], "model.preset=" + model,
            "cluster.tensor_parallel=%d" % tp] + DTYPE[dtype]


def prefill_table(xpusim):
    rows = ["| GPU | model | TP | dtype | prompt | published TTFT ms | simulated ms | error |",
            "|---|---|---|---|---|---|---|---|"]
    errs = []
    for gpu, model, tp, dtype, prompt, pub in PREFILL:
        s = run(xpusim, "prefill_single.yaml", common(gpu, model, tp, dtype) + [
            "workload.prompt_mean=%d" % prompt,
            "batching.max_num_batched_tokens=%d" % max(prompt, 8192)])
        sim = 1000.0 * s["ttft_s"]["mean"]
        errs.append(abs(sim - pub) / pub)
        rows.append("| %s | %s | %d | %s | %d | %g | %.1f | %s |" % (
            gpu, model, tp, dtype.upper(), prompt, pub, sim, err(sim, pub)))
    return rows, errs


def decode_table(xpusim):
    rows = ["| GPU | TP | batch | published latency ms | simulated ms | error | simulated decode step ms |",
            "|---|---|---|---|---|---|---|"]
    errs = []
    for gpu, tp, batch, pub in DECODE:
        s = run(xpusim, "decode_batch.yaml", common(gpu, "llama-2-7b", tp, "bf16") + [
            "workload.num_requests=%d" % batch])
        sim = 1000.0 * s["e2e_s"]["mean"]
        step = 1000.0 * s["tpot_s"]["mean"]
        errs.append(abs(sim - pub) / pub)
        rows.append("| %s | %d | %d | %g | %.1f | %s | %.2f |" % (
            gpu, tp, batch, pub, sim, err(sim, pub), step))
    return rows, errs


def throughput_table(xpusim):
    rows = ["| GPU | model | TP | dtype | batch | input | output | published tok/s/GPU | simulated tok/s/GPU | error |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    errs = []
    for gpu, model, tp, dtype, batch, isl, osl, pub in THROUGHPUT:
        s = run(xpusim, "throughput_static.yaml", common(gpu, model, tp, dtype) + [
            "workload.num_requests=%d" % batch, "batching.max_num_seqs=%d" % batch,
            "batching.max_num_batched_tokens=%d" % (batch * isl),
            "workload.prompt_mean=%d" % isl, "workload.output_mean=%d" % osl,
            # gptSessionBenchmark allocates the batch's KV directly, not a 90% pool
            "instance.gpu_memory_utilization=0.98"])
        if s["requests"]["completed"] != batch or s["requests"]["preempted"] != 0:
            sys.exit("throughput case %r did not run as one static batch: %r" % (
                (gpu, model, tp, batch, isl, osl), s["requests"]))
        sim = s["throughput"]["output_tokens_per_s"] / tp
        errs.append(abs(sim - pub) / pub)
        rows.append("| %s | %s | %d | %s | %d | %d | %d | %s | %s | %s |" % (
            gpu, model, tp, dtype.upper(), batch, isl, osl, "{:,}".format(pub),
            "{:,.0f}".format(sim), err(sim, pub)))
    return rows, errs


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--xpusim", help="path to the xpusim binary (default: build/*/xpusim)")
    ap.add_argument("--check", metavar="DOC", help="fail if a printed table is not in DOC")
    args = ap.parse_args()
    xpusim = find_xpusim(args.xpusim)

    tables = []
    for title, fn in [("Table 1: prefill (first-token) latency vs prompt length", prefill_table),
                      ("Table 2: batch latency vs batch size (decode-dominated)", decode_table),
                      ("Table 3: static-batch throughput", throughput_table)]:
        rows, errs = fn(xpusim)
        rows.append("")
        rows.append("Mean absolute error %.1f%%, largest %.1f%% (%d points)." % (
            100.0 * sum(errs) / len(errs), 100.0 * max(errs), len(errs)))
        tables.append((title, "\n".join(rows)))

    for title, text in tables:
        print("### " + title + "\n")
        print(text + "\n")

    if args.check:
        with open(args.check) as f:
            doc = f.read()
        stale = [t for t, text in tables if text not in doc]
        if stale:
            print("out of date in %s: %s" % (args.check, "; ".join(stale)), file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
