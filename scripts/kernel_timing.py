"""Kernel timing shared by gen_attention_table.py and gen_operator_table.py: CUDA-graph replay
timed with CUDA events, and the time_stats.<op>.{min,max,mean,median,std} columns of Vidur's
profile layout."""
import statistics
import sys

WARMUP = 3
ACTIVE = 10
PER_GRAPH = 10
STATS = ("min", "max", "mean", "median", "std")


def time_ms(torch, fn):
    """Median-ready list of per-call times (ms). The calls are captured PER_GRAPH at a time in a
    CUDA graph and replayed, as serving engines replay decode steps, so the times are the GPU's
    and not the Python launch overhead of an eager loop; falls back to eager calls where capture
    fails."""
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        for _ in range(WARMUP):
            fn()
    torch.cuda.current_stream().wait_stream(side)
    torch.cuda.synchronize()
    try:
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph):
            for _ in range(PER_GRAPH):
                fn()
        call, per = graph.replay, PER_GRAPH
    except RuntimeError as err:
        print(f"graph capture failed ({err}); timing eager calls", file=sys.stderr)
        graph, call, per = None, fn, 1
    for _ in range(2):
        call()
    torch.cuda.synchronize()
    times = []
    for _ in range(ACTIVE):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        call()
        end.record()
        torch.cuda.synchronize()
        times.append(start.elapsed_time(end) / per)
    del graph
    return times


def stats(prefix, times):
    if not times:
        return {f"time_stats.{prefix}.{s}": "" for s in STATS}
    return {f"time_stats.{prefix}.min": min(times), f"time_stats.{prefix}.max": max(times),
            f"time_stats.{prefix}.mean": statistics.fmean(times),
            f"time_stats.{prefix}.median": statistics.median(times),
            f"time_stats.{prefix}.std": statistics.pstdev(times)}
