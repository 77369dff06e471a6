#!/bin/bash
# Measures the operator and attention tables under data/profiles/h200/ on one GPU (the H200
# run of 2026-12-04 used exactly this script; see data/profiles/README.md). Needs PyTorch with
# CUDA. Writes into ${OUT:-out}.
set -u
out=${OUT:-out}; mkdir -p "$out"
export PYTHONUNBUFFERED=1
{
  date -u; nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem,power.limit --format=csv
  python3 - <<'PY'
import torch, time
print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.get_device_name())
a = torch.randn(8192, 8192, dtype=torch.bfloat16, device="cuda"); b = torch.randn_like(a)
for _ in range(3): a @ b
torch.cuda.synchronize(); s = torch.cuda.Event(enable_timing=True); e = torch.cuda.Event(enable_timing=True)
s.record(); [a @ b for _ in range(10)]; e.record(); torch.cuda.synchronize()
print("bf16 8192^3 matmul TFLOP/s", 10 * 2 * 8192**3 / (s.elapsed_time(e) / 1e3) / 1e12)
x = torch.empty(2**30, dtype=torch.float32, device="cuda"); y = torch.empty_like(x)
for _ in range(3): y.copy_(x)
torch.cuda.synchronize(); s.record(); [y.copy_(x) for _ in range(10)]; e.record(); torch.cuda.synchronize()
print("device copy GB/s (read+write)", 10 * 2 * 4 * 2**30 / (s.elapsed_time(e) / 1e3) / 1e9)
PY
} > "$out/env.txt" 2>&1
run() { name=$1; shift; echo "== $name"; torch_empty=1; timeout 90 python3 "$@" || echo "FAILED $name rc=$?"; }
{
run llama31_8b_mlp scripts/gen_operator_table.py --hidden 4096 --heads 32 --kv-heads 8 --ffn 14336 --vocab 128256 --tp 1 2 --out "$out/llama-3.1-8b.mlp.csv"
run llama31_8b_attn scripts/gen_attention_table.py --hidden 4096 --heads 32 --kv-heads 8 --tp 1 2 --out "$out/llama-3.1-8b.attention.csv"
run qwen3_32b_mlp scripts/gen_operator_table.py --hidden 5120 --heads 64 --kv-heads 8 --head-dim 128 --ffn 25600 --vocab 151936 --tp 1 2 --out "$out/qwen3-32b.mlp.csv"
run qwen3_32b_attn scripts/gen_attention_table.py --hidden 5120 --heads 64 --kv-heads 8 --head-dim 128 --tp 1 2 --out "$out/qwen3-32b.attention.csv"
run llama2_7b_mlp scripts/gen_operator_table.py --hidden 4096 --heads 32 --kv-heads 32 --ffn 11008 --vocab 32000 --tp 1 2 --out "$out/llama-2-7b.mlp.csv"
run llama2_7b_attn scripts/gen_attention_table.py --hidden 4096 --heads 32 --kv-heads 32 --tp 1 2 --out "$out/llama-2-7b.attention.csv"
} > "$out/log.txt" 2>&1
cat "$out/env.txt" "$out/log.txt"; wc -l "$out"/*.csv
