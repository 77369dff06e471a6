"""xpusim from Python: run scenarios and sweeps, get summaries and per-request tables.

    import xpusim
    r = xpusim.run("configs/quickstart.yaml", set={"workload.num_requests": 200}, seed=7)
    r.summary["throughput"], r.requests.head()     # DataFrames when pandas is present

Same scenario + seed gives the same numbers as `xpusim run`. See docs/python.md.
"""
from . import _xpusim
from ._listing import describe, list_policies, list_presets, list_system_kinds
from ._run import Result, run
from ._sweep import PointResult, SweepResult, plan, sweep

Error = _xpusim.Error
ScenarioError = _xpusim.ScenarioError
RunStopped = _xpusim.RunStopped
__version__ = _xpusim.__version__
set_log_level = _xpusim.set_log_level  # "info" is `xpusim -v`, "debug" is `-vv`

__all__ = ["run", "sweep", "plan", "Result", "SweepResult", "PointResult", "list_policies",
           "describe", "list_presets", "list_system_kinds", "Error", "ScenarioError",
           "RunStopped", "set_log_level", "__version__"]
