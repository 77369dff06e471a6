#!/usr/bin/env python3
"""Figure for configs/sweeps/prefix_eviction_mooncake.yaml: python3 bash results.csv out.png"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from prefix_eviction_plot import plot  # noqa: E402

if len(sys.argv) != 3:
    sys.exit("usage: prefix_eviction_mooncake.py RESULTS_CSV OUT_PNG")
plot(sys.argv[1], sys.argv[2], "workload.time_scale", "Mooncake trace time stretch (x)",
     "Prefix eviction on the Mooncake conversation trace (first 1200 rows, 400k-token device cache)\n"
     "lru, lfu and ttl coincide and sae differs by <0.5 %, which is the finding: without sessions or token\n"
     "types, and with the host tier LRU, the device policy has little to act on (docs/reproductions/prefix_cache.md, (c))",
     x_key="prefix_cache.host_tier_gb", x_label="host tier (GB)", x_scale=lambda v: v)
