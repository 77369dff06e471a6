"""xpusim.run: one scenario, as `xpusim run` runs it."""
import json
import os
import sys
import tempfile
import threading

from . import _xpusim
from ._overrides import assignments, source
from ._tables import read_tables, want_frames

# The per-request (or per-flow, per-job) table of each system kind, for Result.requests.
_REQUEST_TABLES = ("requests", "turns", "jobs")


class Result:
    """What one run produced.

    summary  -- dict: every metric, the resolved scenario and the seed (summary.json)
    requests -- one row per request (serving), turn (soc) or job (ina); None for other kinds
    devices  -- busy time and energy per device (devices.csv); None where the kind has none
    tables   -- every CSV the run wrote, by file stem ("requests", "steps", "layers", ...)
    name, seed, events -- the scenario's name, its seed, simulator events processed
    out_dir  -- the folder holding the output files, or None when they were not kept
    """

    def __init__(self, summary, tables, name, seed, events, out_dir):
        self.summary = summary
        self.tables = tables
        self.name = name
        self.seed = seed
        self.events = events
        self.out_dir = out_dir
        self.requests = next((tables[t] for t in _REQUEST_TABLES if t in tables), None)
        self.devices = tables.get("devices")

    def metric(self, dotted):
        """A summary value by dotted path, e.g. result.metric("latency.ttft_s.p99")."""
        node = self.summary
        for part in dotted.split("."):
            if isinstance(node, list):
                node = node[int(part)]
            elif isinstance(node, dict) and part in node:
                node = node[part]
            else:
                raise KeyError(f"{dotted!r}: no {part!r} in the summary")
        return node

    def __repr__(self):
        where = f", out_dir={self.out_dir!r}" if self.out_dir else ""
        return (f"<xpusim.Result {self.name!r} seed={self.seed} events={self.events} "
                f"tables={sorted(self.tables)}{where}>")


def _requests_csv_one_in(requests_csv):
    if requests_csv == "all":
        return 1
    if requests_csv == "none":
        return 0
    if isinstance(requests_csv, str) and requests_csv.startswith("sample:"):
        digits = requests_csv[len("sample:"):]
        if digits.isdigit() and int(digits) >= 1:
            return int(digits)
    raise ValueError(f"requests_csv: expected 'all', 'none' or 'sample:N' (N >= 1), got {requests_csv!r}")


def _watch_interrupt():
    # Only the main thread receives SIGINT; elsewhere the handler would never be called.
    return threading.current_thread() is threading.main_thread()


def run_once(name, text, overrides, out, as_frames, timeline=False, requests_csv="all",
             max_events=0, max_wall_s=0.0, watchdog_events=50_000_000, progress=False):
    """Runs one loaded scenario into `out` (a temporary folder when None) and reads it back."""
    frames = want_frames(as_frames)
    if timeline and out is None:
        raise ValueError("timeline=True writes timeline.json: give out= (a folder to keep it in)")
    kwargs = dict(text=text, overrides=list(overrides),
                  timeline=timeline, requests_csv_one_in=_requests_csv_one_in(requests_csv),
                  max_events=max_events, max_wall_s=max_wall_s,
                  watchdog_events=watchdog_events, progress=progress,
                  watch_interrupt=_watch_interrupt(),
                  argv=[sys.executable] + list(sys.argv),
                  call=f"xpusim.run({name!r}, set={list(overrides)!r})")
    if out is not None:
        out = os.fspath(out)
        raw = _xpusim.run_scenario(name, out_dir=out, **kwargs)
        tables = read_tables(out, frames)
    else:
        with tempfile.TemporaryDirectory(prefix="xpusim-") as tmp:
            raw = _xpusim.run_scenario(name, out_dir=tmp, **kwargs)
            tables = read_tables(tmp, frames)
    return Result(json.loads(raw["summary"]), tables, raw["name"], raw["seed"], raw["events"], out)


def run(scenario, set=None, seed=None, *, out=None, base_dir=None, as_frames=None,
        timeline=False, requests_csv="all", max_events=0, max_wall_s=0.0,
        watchdog_events=50_000_000, progress=False):
    """Runs a scenario (a YAML file path, or a dict shaped like one) and returns a Result.

    set       -- overrides: {"dotted.key": value} (values as YAML reads them) or ["k=v", ...],
                 exactly as `xpusim run --set`
    seed      -- the scenario's seed (same as set={"seed": N})
    out       -- keep the output files in this folder (as `xpusim run --out`); default: none kept
    base_dir  -- for a dict: the folder its relative paths are resolved against (default: cwd)
    as_frames -- tables as pandas DataFrames (default when pandas imports) or lists of dicts
    timeline, requests_csv, max_events, max_wall_s, watchdog_events -- as the command's options
    progress  -- the progress line on stderr

    Raises ScenarioError (an invalid scenario: every problem, with file, line, key), Error (other
    input problems), RunStopped (a limit stopped the run), KeyboardInterrupt (Ctrl-C).
    """
    name, text = source(scenario, base_dir)
    return run_once(name, text, assignments(set, seed), out, as_frames, timeline=timeline,
                    requests_csv=requests_csv, max_events=max_events, max_wall_s=max_wall_s,
                    watchdog_events=watchdog_events, progress=progress)
