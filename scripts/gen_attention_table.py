#!/usr/bin/env python3
"""Measures attention kernels on the local GPU and writes an attention table in the layout of
Vidur's attention.csv, for `execution: {model: profile_table, attention_table: FILE}`.

Layout (docs/execution-model.md, "Attention table"): one row per measured point, columns
  time_stats.attn_prefill.{min,max,mean,median,std}   ms per layer, prefill rows
  time_stats.attn_decode.{min,max,mean,median,std}    ms per layer, decode rows
  time_stats.attn_kv_cache_save.{...}                 ms per layer, writing the new K/V
  n_embd, n_q_head, n_kv_head, block_size, num_tensor_parallel_workers, max_model_len,
  batch_size, prefill_chunk_size, kv_cache_size, is_prefill, attention_backend
Prefill rows have batch_size 1, prefill_chunk_size = new tokens, kv_cache_size = tokens
already cached; decode rows have prefill_chunk_size 0, batch_size sequences each with
kv_cache_size cached tokens. The columns of the other kind are left empty.

What is timed (per layer, on one GPU, the heads of one tensor-parallel shard):
- prefill: flash_attn_varlen_func with a causal mask over chunk queries and cached + chunk
  keys (FlashAttention-2 `flash-attn` package) or, without it, PyTorch's
  scaled_dot_product_attention on contiguous K/V;
- decode: flash_attn_with_kvcache on a paged cache (block size 16) when `flash-attn` is
  installed, else scaled_dot_product_attention over each sequence's contiguous K/V (no paging);
- grouped-query heads: SDPA's enable_gqa (no K/V copies) where PyTorch has it, else the K/V
  heads are repeated before timing (backend TORCH_SDPA_REPEAT_KV);
- KV save: the copy of the new K/V rows into the cache.
CUDA events around ACTIVE replays of a CUDA graph of PER_GRAPH calls, after WARMUP eager calls
(scripts/kernel_timing.py);
statistics over the replays (time per call).

Usage (needs PyTorch with CUDA; flash-attn optional):
  scripts/gen_attention_table.py --hidden 4096 --heads 32 --kv-heads 8 --tp 1 2 \
      --out attention.csv
This cannot run without a GPU; tests/model/attention_table_test.cpp checks the reader on a
hand-made table instead.
"""
import argparse
import csv
import sys

from kernel_timing import STATS, stats, time_ms

BLOCK = 16
OPS = ("attn_prefill", "attn_decode", "attn_kv_cache_save")
META = ("n_embd", "n_q_head", "n_kv_head", "block_size", "num_tensor_parallel_workers",
        "max_model_len", "batch_size", "prefill_chunk_size", "kv_cache_size", "is_prefill",
        "attention_backend")
CHUNKS = (16, 32, 64, 128, 256, 512, 1024, 2048, 4096)
CACHED = (0, 256, 1024, 2048, 4096, 8192, 16384)
BATCHES = (1, 2, 4, 8, 16, 32, 64, 128, 256)
KV_LENGTHS = (128, 256, 512, 1024, 2048, 4096, 8192, 16384)


class Kernels:
    def __init__(self, torch, heads, kv_heads, head_dim, dtype):
        self.torch, self.h, self.k, self.d, self.dtype = torch, heads, kv_heads, head_dim, dtype
        try:
            import flash_attn  # noqa: F401
            from flash_attn import flash_attn_varlen_func, flash_attn_with_kvcache
            self.varlen, self.kvcache, self.backend = (flash_attn_varlen_func,
                                                       flash_attn_with_kvcache, "FLASH_ATTN")
        except ImportError:
            self.varlen = self.kvcache = None
            self.backend = "TORCH_SDPA"

    def rand(self, *shape):
        return self.torch.randn(*shape, dtype=self.dtype, device="cuda")

    def prefill(self, chunk, cached):
        t, total = self.torch, chunk + cached
        q, k, v = self.rand(chunk, self.h, self.d), self.rand(total, self.k, self.d), \
            self.rand(total, self.k, self.d)
        if self.varlen:
            cu_q = t.tensor([0, chunk], dtype=t.int32, device="cuda")
            cu_k = t.tensor([0, total], dtype=t.int32, device="cuda")
            return lambda: self.varlen(q, k, v, cu_q, cu_k, chunk, total, causal=True)
        qq = q.transpose(0, 1).unsqueeze(0)
        kk = k.transpose(0, 1).unsqueeze(0)
        vv = v.transpose(0, 1).unsqueeze(0)
        sdpa = t.nn.functional.scaled_dot_product_attention
        # Causal with an offset: query i sees keys 0 .. cached + i (bottom-right aligned), as a
        # chunked prefill over a cached prefix does. Grouped-query heads are shared, not copied.
        if cached == 0:
            return self.gqa_or_repeat(lambda kk, vv, **kw: sdpa(qq, kk, vv, is_causal=True, **kw),
                                      kk, vv)
        from torch.nn.attention.bias import causal_lower_right
        bias = causal_lower_right(chunk, total)
        return self.gqa_or_repeat(lambda kk, vv, **kw: sdpa(qq, kk, vv, attn_mask=bias, **kw),
                                  kk, vv)

    def gqa_or_repeat(self, call, kk, vv):
        """Returns a closure timing `call`; uses SDPA's enable_gqa where this PyTorch has it
        (no K/V copies, as real GQA kernels read each KV head once), else repeated heads."""
        self.backend = "TORCH_SDPA"
        if self.k != self.h:
            try:
                call(kk, vv, enable_gqa=True)
                return lambda: call(kk, vv, enable_gqa=True)
            except (TypeError, RuntimeError):
                self.backend = "TORCH_SDPA_REPEAT_KV"
                rep = self.h // self.k
                kk, vv = kk.repeat_interleave(rep, 1), vv.repeat_interleave(rep, 1)
        return lambda: call(kk, vv)

    def decode(self, batch, kv):
        t = self.torch
        blocks = (kv + 1 + BLOCK - 1) // BLOCK
        q = self.rand(batch, 1, self.h, self.d)
        if self.kvcache:
            kc = self.rand(batch * blocks, BLOCK, self.k, self.d)
            vc = self.rand(batch * blocks, BLOCK, self.k, self.d)
            table = t.randperm(batch * blocks, dtype=t.int32, device="cuda").view(batch, blocks)
            lens = t.full((batch,), kv + 1, dtype=t.int32, device="cuda")
            return lambda: self.kvcache(q, kc, vc, cache_seqlens=lens, block_table=table)
        kk = self.rand(batch, self.k, kv + 1, self.d)
        vv = self.rand(batch, self.k, kv + 1, self.d)
        qq = q.transpose(1, 2)
        sdpa = t.nn.functional.scaled_dot_product_attention
        return self.gqa_or_repeat(lambda kk, vv, **kw: sdpa(qq, kk, vv, **kw), kk, vv)

    def save(self, tokens):
        src = self.rand(tokens, 2, self.k, self.d)
        dst = self.rand(tokens + BLOCK, 2, self.k, self.d)
        slots = self.torch.randperm(tokens + BLOCK, device="cuda")[:tokens]
        return lambda: dst.index_copy_(0, slots, src)


def rows_for_tp(torch, args, tp):
    heads, kv_heads = args.heads // tp, max(1, args.kv_heads // tp)
    head_dim = args.head_dim or args.hidden // args.heads
    kern = Kernels(torch, heads, kv_heads, head_dim, torch.bfloat16)
    meta = {"n_embd": args.hidden, "n_q_head": args.heads, "n_kv_head": args.kv_heads,
            "block_size": BLOCK, "num_tensor_parallel_workers": tp,
            "max_model_len": args.max_len}
    for chunk in CHUNKS:
        for cached in CACHED:
            if chunk + cached > args.max_len:
                continue
            row = dict(meta, batch_size=1, prefill_chunk_size=chunk, kv_cache_size=cached,
                       is_prefill=True)
            row.update(stats("attn_prefill", time_ms(torch, kern.prefill(chunk, cached))))
            row.update(stats("attn_decode", []))
            row.update(stats("attn_kv_cache_save", time_ms(torch, kern.save(chunk))))
            row["attention_backend"] = kern.backend
            yield row
    for batch in BATCHES:
        for kv in KV_LENGTHS:
            if batch * kv > args.max_tokens:
                continue
            row = dict(meta, batch_size=batch, prefill_chunk_size=0, kv_cache_size=kv,
                       is_prefill=False)
            row.update(stats("attn_prefill", []))
            row.update(stats("attn_decode", time_ms(torch, kern.decode(batch, kv))))
            row.update(stats("attn_kv_cache_save", time_ms(torch, kern.save(batch))))
            row["attention_backend"] = kern.backend
            yield row
            torch.cuda.empty_cache()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--hidden", type=int, required=True)
    p.add_argument("--heads", type=int, required=True)
    p.add_argument("--kv-heads", type=int, required=True)
    p.add_argument("--head-dim", type=int, default=0, help="default hidden / heads")
    p.add_argument("--tp", type=int, nargs="+", default=[1])
    p.add_argument("--max-len", type=int, default=32768)
    p.add_argument("--max-tokens", type=int, default=1 << 20, help="batch x KV cap (memory)")
    p.add_argument("--out", required=True)
    args = p.parse_args()
    try:
        import torch
    except ImportError:
        sys.exit("gen_attention_table.py: needs PyTorch with CUDA")
    if not torch.cuda.is_available():
        sys.exit("gen_attention_table.py: no CUDA device")
    columns = [f"time_stats.{op}.{s}" for op in OPS for s in STATS] + list(META)
    with open(args.out, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=columns)
        w.writeheader()
        for tp in args.tp:
            for row in rows_for_tp(torch, args, tp):
                w.writerow(row)


if __name__ == "__main__":
    main()
