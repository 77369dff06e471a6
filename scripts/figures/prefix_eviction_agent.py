#!/usr/bin/env python3
"""Figure for configs/sweeps/prefix_eviction_agent.yaml: python3 bash results.csv out.png"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from prefix_eviction_plot import plot  # noqa: E402

if len(sys.argv) != 3:
    sys.exit("usage: prefix_eviction_agent.py RESULTS_CSV OUT_PNG")
plot(sys.argv[1], sys.argv[2], "workload.session_rate_per_s", "agent sessions started per s", "Prefix eviction on agent sessions (Llama-3-8B, A100)")
