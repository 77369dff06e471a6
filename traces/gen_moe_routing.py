#!/usr/bin/env python3
"""Writes traces/sample_moe_routing_qwen3.csv, a small synthetic MoE routing trace in xpusim's
routing-trace format (docs/moe.md): one row per (micro-batch, MoE layer), the tokens routed to
each expert. Shaped like Qwen3-30B-A3B (48 MoE layers, 128 experts, top-8) at 512 tokens per
micro-batch. Seeded, so rerunning gives the same bytes. No real routing data is copied."""
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
LAYERS, EXPERTS, TOP_K, TOKENS, MICRO_BATCHES = 48, 128, 8, 512, 6


def main():
    rng = random.Random(7)
    # Per layer a popularity ranking (Zipf 0.8) that shifts a little between micro-batches.
    rankings = [rng.sample(range(EXPERTS), EXPERTS) for _ in range(LAYERS)]
    weight_of_rank = [1.0 / (r + 1) ** 0.8 for r in range(EXPERTS)]
    rows = ["# synthetic Qwen3-30B-A3B-shaped routing (traces/gen_moe_routing.py)",
            "micro_batch,layer," + ",".join(f"e{e}" for e in range(EXPERTS))]
    for mb in range(MICRO_BATCHES):
        for layer in range(LAYERS):
            ranking = rankings[layer]
            for _ in range(6):  # drift: swap a few ranks
                i, j = rng.randrange(EXPERTS), rng.randrange(EXPERTS)
                ranking[i], ranking[j] = ranking[j], ranking[i]
            w = [0.0] * EXPERTS
            for r, e in enumerate(ranking):
                w[e] = weight_of_rank[r]
            counts = [0] * EXPERTS
            for _ in range(TOKENS):
                chosen = set()
                while len(chosen) < TOP_K:
                    chosen.add(rng.choices(range(EXPERTS), weights=w)[0])
                for e in chosen:
                    counts[e] += 1
            rows.append(f"{mb},{layer}," + ",".join(map(str, counts)))
    with open(os.path.join(HERE, "sample_moe_routing_qwen3.csv"), "w") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
