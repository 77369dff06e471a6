#!/usr/bin/env python3
"""Measures a decoder layer's non-attention operators on the local GPU and writes a table in the
layout of Vidur's mlp.csv, for `execution: {model: profile_table, table: FILE}`.

Layout (docs/execution-model.md, "Profile table"): one row per (num_tokens,
num_tensor_parallel_workers); for each operator the columns time_stats.<op>.{min,max,mean,
median,std} in milliseconds per layer (per call on one GPU), and the shape columns n_head,
n_kv_head, n_embd, n_expanded_embd, vocab_size, use_gated_mlp, num_tokens,
num_tensor_parallel_workers.

What is timed, with bf16 tensors of the shard one GPU holds under tensor parallelism TP:
  emb                     embedding lookup of num_tokens ids in a vocab/TP x hidden table
  input_layernorm,        RMSNorm over num_tokens x hidden (torch.nn.functional.rms_norm)
  post_attention_layernorm
  attn_pre_proj           x[T, hidden] @ W[hidden, (heads + 2 kv_heads) head_dim / TP]
  attn_rope               rotary embedding of q and k, written out as PyTorch element-wise
                          operations (unfused: an upper bound on a fused kernel's time)
  attn_post_proj          x[T, heads head_dim / TP] @ W[heads head_dim / TP, hidden]
  mlp_up_proj             x[T, hidden] @ W[hidden, 2 ffn / TP] (gate and up fused)
  mlp_act                 silu(gate) * up over T x ffn / TP
  mlp_down_proj           x[T, ffn / TP] @ W[ffn / TP, hidden]
  add                     residual add over T x hidden
Each operator is timed alone: PER_GRAPH calls captured in a CUDA graph, ACTIVE replays timed
with CUDA events after WARMUP eager calls; the time per call excludes Python launch overhead,
as in an engine that replays CUDA graphs (vLLM's decode steps). Weights are
allocated once per TP degree; activations once per token count.

Usage (needs PyTorch with CUDA):
  scripts/gen_operator_table.py --hidden 4096 --heads 32 --kv-heads 8 --ffn 14336 \
      --vocab 128256 --tp 1 2 --out mlp.csv
This cannot run without a GPU; tests/model/profile_table_test.cpp checks the reader.
"""
import argparse
import csv
import sys

from kernel_timing import STATS, stats, time_ms

OPS = ("emb", "input_layernorm", "attn_pre_proj", "attn_rope", "attn_post_proj",
       "post_attention_layernorm", "mlp_up_proj", "mlp_act", "mlp_down_proj", "add")
META = ("n_head", "n_kv_head", "n_embd", "n_expanded_embd", "vocab_size", "use_gated_mlp",
        "num_tokens", "num_tensor_parallel_workers")
TOKENS = (1, 2, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128, 160, 192, 256, 320, 384, 512, 640,
          768, 1024, 1280, 1536, 2048, 2560, 3072, 4096, 6144, 8192)


class Layer:
    """One GPU's shard of a decoder layer's weights under tensor parallelism `tp`."""

    def __init__(self, torch, args, tp):
        self.t = torch
        self.d = args.head_dim or args.hidden // args.heads
        self.h, self.k = args.heads // tp, max(1, args.kv_heads // tp)
        self.hidden, self.ffn = args.hidden, args.ffn // tp
        bf = torch.bfloat16
        rnd = lambda *s: torch.randn(*s, dtype=bf, device="cuda") * 0.02  # noqa: E731
        self.emb_w = rnd(max(1, args.vocab // tp), self.hidden)
        self.norm_w = torch.ones(self.hidden, dtype=bf, device="cuda")
        self.w_qkv = rnd(self.hidden, (self.h + 2 * self.k) * self.d)
        self.w_o = rnd(self.h * self.d, self.hidden)
        self.w_up = rnd(self.hidden, 2 * self.ffn)
        self.w_down = rnd(self.ffn, self.hidden)
        self.vocab = max(1, args.vocab // tp)

    def closures(self, tokens):
        t, f = self.t, self.t.nn.functional
        bf = t.bfloat16
        x = t.randn(tokens, self.hidden, dtype=bf, device="cuda")
        y = t.randn(tokens, self.hidden, dtype=bf, device="cuda")
        ids = t.randint(0, self.vocab, (tokens,), device="cuda")
        q = t.randn(tokens, self.h, self.d, dtype=bf, device="cuda")
        k = t.randn(tokens, self.k, self.d, dtype=bf, device="cuda")
        cos = t.randn(tokens, 1, self.d // 2, dtype=bf, device="cuda")
        sin = t.randn(tokens, 1, self.d // 2, dtype=bf, device="cuda")
        attn_out = t.randn(tokens, self.h * self.d, dtype=bf, device="cuda")
        up = t.randn(tokens, 2 * self.ffn, dtype=bf, device="cuda")
        act = t.randn(tokens, self.ffn, dtype=bf, device="cuda")

        def rope(v):
            a, b = v[..., : self.d // 2], v[..., self.d // 2:]
            return t.cat((a * cos - b * sin, b * cos + a * sin), dim=-1)

        return {
            "emb": lambda: f.embedding(ids, self.emb_w),
            "input_layernorm": lambda: f.rms_norm(x, (self.hidden,), self.norm_w, 1e-5),
            "attn_pre_proj": lambda: x @ self.w_qkv,
            "attn_rope": lambda: (rope(q), rope(k)),
            "attn_post_proj": lambda: attn_out @ self.w_o,
            "post_attention_layernorm": lambda: f.rms_norm(y, (self.hidden,), self.norm_w, 1e-5),
            "mlp_up_proj": lambda: x @ self.w_up,
            "mlp_act": lambda: f.silu(up[:, : self.ffn]) * up[:, self.ffn:],
            "mlp_down_proj": lambda: act @ self.w_down,
            "add": lambda: x + y,
        }


def rows(torch, args):
    for tp in args.tp:
        layer = Layer(torch, args, tp)
        meta = {"n_head": args.heads, "n_kv_head": args.kv_heads, "n_embd": args.hidden,
                "n_expanded_embd": args.ffn, "vocab_size": args.vocab, "use_gated_mlp": True,
                "num_tensor_parallel_workers": tp}
        for tokens in TOKENS:
            if tokens > args.max_tokens:
                continue
            row = dict(meta, num_tokens=tokens)
            for op, fn in layer.closures(tokens).items():
                row.update(stats(op, time_ms(torch, fn)))
            yield row
        del layer
        torch.cuda.empty_cache()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--hidden", type=int, required=True)
    p.add_argument("--heads", type=int, required=True)
    p.add_argument("--kv-heads", type=int, required=True)
    p.add_argument("--head-dim", type=int, default=0, help="default hidden / heads")
    p.add_argument("--ffn", type=int, required=True, help="FFN intermediate size")
    p.add_argument("--vocab", type=int, required=True)
    p.add_argument("--tp", type=int, nargs="+", default=[1])
    p.add_argument("--max-tokens", type=int, default=8192)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    try:
        import torch
    except ImportError:
        sys.exit("gen_operator_table.py: needs PyTorch with CUDA")
    if not torch.cuda.is_available():
        sys.exit("gen_operator_table.py: no CUDA device")
    columns = [f"time_stats.{op}.{s}" for op in OPS for s in STATS] + list(META)
    with open(args.out, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=columns)
        w.writeheader()
        for row in rows(torch, args):
            w.writerow(row)


if __name__ == "__main__":
    main()
