#!/usr/bin/env python3
"""Compare xpusim's energy with published measurements (docs/validation.md, energy section).

Runs configs/validation/energy_steady.yaml (Llama-3.1-8B BF16 on one H100, a full batch kept
in flight) at the batch sizes of the published figures and prints the energy table in
markdown.

    python3 scripts/validate_energy.py [--xpusim build/release/xpusim] [--check docs/validation.md]

--check FILE exits 1 if the printed table is missing from FILE verbatim. Standard library only.
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCENARIO = os.path.join(ROOT, "configs", "validation", "energy_steady.yaml")

# Published figures (full citations in docs/validation.md, energy section).
# (label, batch, metric, published value, source)
PUBLISHED = [
    ("J per output token", 64, "j_per_token", 0.20, "[MLE-L] v2.0 (vLLM 0.5.4)"),
    ("J per output token", 64, "j_per_token", 0.12, "[MLE-L] v3.0 (vLLM 0.11.1)"),
    ("average GPU power, W", 1, "power_w", 300.0, "[MLE-3] via [FS]"),
    ("average GPU power, W", 128, "power_w", 600.0, "[MLE-3] via [FS]"),
]


def find_xpusim(given):
    if given:
        return given
    for cand in ["build/release/xpusim", "build/val/xpusim"] + sorted(
            glob.glob(os.path.join(ROOT, "build", "*", "xpusim"))):
        path = cand if os.path.isabs(cand) else os.path.join(ROOT, cand)
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    sys.exit("xpusim binary not found; build it or pass --xpusim PATH")


def run(xpusim, batch):
    # Five waves of `batch` requests (at least 5 requests), all waiting from t = 0.
    sets = ["batching.max_num_seqs=%d" % batch, "workload.num_requests=%d" % (5 * batch)]
    with tempfile.TemporaryDirectory() as out:
        cmd = [xpusim, "run", SCENARIO, "--out", out]
        for s in sets:
            cmd += ["--set", s]
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit("failed: %s\n%s%s" % (" ".join(cmd), proc.stdout, proc.stderr))
        with open(os.path.join(out, "summary.json")) as f:
            s = json.load(f)
    if s["requests"]["completed"] != 5 * batch or s["requests"]["preempted"] != 0:
        sys.exit("batch %d did not run as full batches: %r" % (batch, s["requests"]))
    energy = s["energy"]
    return {"j_per_token": energy["j_per_output_token"],
            "power_w": energy["total_j"] / s["makespan_s"]}


def table(xpusim):
    rows = ["| metric | batch | published | source | simulated | error |",
            "|---|---|---|---|---|---|"]
    cache = {}
    errs = []
    for label, batch, metric, pub, source in PUBLISHED:
        if batch not in cache:
            cache[batch] = run(xpusim, batch)
        sim = cache[batch][metric]
        errs.append(abs(sim - pub) / pub)
        rows.append("| %s | %d | %g | %s | %.3g | %+.1f%% |" % (
            label, batch, pub, source, sim, 100.0 * (sim - pub) / pub))
    rows.append("")
    rows.append("Mean absolute error %.1f%%, largest %.1f%% (%d points)." % (
        100.0 * sum(errs) / len(errs), 100.0 * max(errs), len(errs)))
    return "\n".join(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--xpusim", help="path to the xpusim binary (default: build/*/xpusim)")
    ap.add_argument("--check", metavar="DOC", help="fail if the printed table is not in DOC")
    args = ap.parse_args()
    text = table(find_xpusim(args.xpusim))
    print(text)
    if args.check:
        with open(args.check) as f:
            if text not in f.read():
                print("out of date in %s: energy table" % args.check, file=sys.stderr)
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
