#!/usr/bin/env python3
"""Writes the small synthetic BurstGPT and Mooncake samples in traces/ (seeded, so rerunning
gives the same bytes). Nothing is copied from the real traces; only their shapes are imitated."""
import json
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
BLOCK = 512  # Mooncake hash_ids cover 512 prompt tokens each


def lognormal(rng, mean, cv, lo, hi):
    s2 = math.log(1 + cv * cv)
    v = rng.lognormvariate(math.log(mean) - s2 / 2, math.sqrt(s2))
    return int(min(hi, max(lo, round(v))))


def burstgpt(rng, rows=60):
    """Gamma arrivals (cv 2, bursty), two models, both log types, a few failed rows."""
    out = ["Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type"]
    t = 0.0
    shape = 1 / 4  # cv = 2
    for i in range(rows):
        t += rng.gammavariate(shape, 1 / (2.0 * shape))  # mean gap 0.5 s
        model = "GPT-4" if rng.random() < 0.3 else "ChatGPT"
        log = "API log" if rng.random() < 0.4 else "Conversation log"
        req = lognormal(rng, 600, 1.2, 1, 8000)
        resp = 0 if i % 15 == 7 else lognormal(rng, 250, 1.0, 1, 2000)  # failed request
        out.append(f"{t:.3f},{model},{req},{resp},{req + resp},{log}")
    return "\n".join(out) + "\n"


def mooncake(rng, rows=120):
    """Poisson arrivals (ms), multi-turn conversations whose prompts extend the previous turn,
    all sharing one system-prompt block, as in the Mooncake conversation trace."""
    next_id = 1  # id 0 is the shared system prompt
    sessions = []  # each: (hash_ids, tokens) of the last turn
    lines = []
    t = 0.0
    for _ in range(rows):
        t += rng.expovariate(4.0) * 1000  # 4 req/s
        if sessions and rng.random() < 0.5:
            k = rng.randrange(len(sessions))
            ids, tokens = sessions[k]
        else:
            ids, tokens = [0], BLOCK  # a new conversation starts after the system prompt
            sessions.append(None)
            k = len(sessions) - 1
        full = (tokens // BLOCK) * BLOCK  # only full blocks are shared with the next turn
        ids = ids[: full // BLOCK]
        tokens = full + lognormal(rng, 900, 1.0, 1, 6000)
        while len(ids) < math.ceil(tokens / BLOCK):
            ids.append(next_id)
            next_id += 1
        sessions[k] = (ids, tokens)
        out_len = lognormal(rng, 200, 1.0, 1, 1000)
        lines.append(json.dumps({"timestamp": int(t), "input_length": tokens,
                                 "output_length": out_len, "hash_ids": ids}))
    return "\n".join(lines) + "\n"


def main():
    with open(os.path.join(HERE, "sample_burstgpt.csv"), "w") as f:
        f.write(burstgpt(random.Random(2024)))
    with open(os.path.join(HERE, "sample_mooncake.jsonl"), "w") as f:
        f.write(mooncake(random.Random(2025)))


if __name__ == "__main__":
    main()
