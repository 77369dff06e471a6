"""xpusim.sweep: every point of a sweep file, as `xpusim sweep` runs them (one after another,
in this process)."""
import json
import os
import sys

from . import _xpusim
from ._overrides import assignments, source
from ._run import run_once
from ._tables import table_from_text, want_frames


class PointResult:
    """One point of a sweep.

    index, id -- its position and folder name (as in results.csv)
    params    -- {dotted.key: value} this point sets (values as YAML text)
    seed      -- the point's seed when the sweep lists seeds, else None
    ok, error -- whether it ran; why not
    result    -- its Result (summary, requests, devices, tables) when ok, else None
    """

    def __init__(self, point, result, error):
        self.index = point["index"]
        self.id = point["id"]
        self.params = dict(point["params"])
        self.seed = point["seed"]
        self.overrides = list(point["overrides"])
        self.result = result
        self.error = error
        self.ok = result is not None

    @property
    def summary(self):
        return self.result.summary if self.result else None

    def __repr__(self):
        state = "ok" if self.ok else f"FAILED: {self.error}"
        return f"<xpusim.PointResult {self.index} {self.id}: {state}>"


class SweepResult:
    """Every point of a sweep, and `table`: results.csv (one row per point, its parameters,
    seed and every summary metric flattened to dotted columns) as a DataFrame or records."""

    def __init__(self, points, table, results_csv, out_dir):
        self.points = points
        self.table = table
        self.results_csv = results_csv
        self.out_dir = out_dir

    @property
    def ok(self):
        return all(p.ok for p in self.points)

    def __iter__(self):
        return iter(self.points)

    def __len__(self):
        return len(self.points)

    def __getitem__(self, i):
        return self.points[i]

    def __repr__(self):
        failed = sum(not p.ok for p in self.points)
        return f"<xpusim.SweepResult {len(self.points)} points, {failed} failed>"


def _error_text(e):
    # As `xpusim sweep` reports a failed point: its error lines joined with "; ".
    return "; ".join(getattr(e, "messages", None) or [str(e)])


def _run_point(plan, point, point_dir, as_frames, progress):
    if point_dir is not None:
        done = _xpusim.read_point_outcome(point_dir)
        if done[0]:  # completed earlier (summary.json present): not run again, as the command
            return run_from_folder(point_dir, as_frames), done
        stale = os.path.join(point_dir, "error.txt")  # from an earlier failed attempt
        if os.path.exists(stale):
            os.remove(stale)
    try:
        result = run_once(plan.base, None, point["overrides"], point_dir, as_frames,
                          progress=progress)
    except _xpusim.Error as e:
        if point_dir is not None:
            os.makedirs(point_dir, exist_ok=True)
            with open(os.path.join(point_dir, "error.txt"), "w", encoding="utf-8") as f:
                f.write(_error_text(e) + "\n")
        return None, (False, _error_text(e), "")
    return result, (True, "", json.dumps(result.summary))


def run_from_folder(folder, as_frames):
    """A Result read back from a completed run's output folder."""
    from ._run import Result
    from ._tables import read_tables

    with open(os.path.join(folder, "summary.json"), encoding="utf-8") as f:
        summary = json.load(f)
    tables = read_tables(folder, want_frames(as_frames))
    top = summary.get("scenario", {}).get("scenario", {})  # the resolved top-level keys
    return Result(summary, tables, top.get("name", ""), summary.get("seed"),
                  summary.get("events", 0), folder)


def sweep(sweep_file, set=None, *, reduced=False, out=None, base_dir=None, as_frames=None,
          progress=False):
    """Runs every point of a sweep (a sweep YAML file path, or a dict shaped like one) and
    returns a SweepResult.

    set      -- overrides for every point, applied after the file's `set:` (its axes win), as
                `xpusim sweep --set`
    reduced  -- also apply the file's `reduced:` overrides
    out      -- keep the outputs as `xpusim sweep -o` does (points/<id>/, sweep.json,
                results.csv); points already complete there are read back, not run again
    progress -- one line per point on stderr

    A point that fails is recorded (ok False, error) and the sweep goes on. Raises ScenarioError
    for an invalid sweep file.
    """
    name, text = source(sweep_file, base_dir)
    plan = _xpusim.SweepPlan(name, text, assignments(set), reduced)
    frames = want_frames(as_frames)
    if out is not None:
        out = os.fspath(out)
        os.makedirs(os.path.join(out, "points"), exist_ok=True)
        with open(os.path.join(out, "sweep.json"), "w", encoding="utf-8") as f:
            f.write(plan.manifest())
    points, outcomes = [], []
    total = len(plan.points)
    for n, point in enumerate(plan.points, 1):
        point_dir = os.path.join(out, "points", point["id"]) if out is not None else None
        result, outcome = _run_point(plan, point, point_dir, frames, False)
        points.append(PointResult(point, result, outcome[1] if not outcome[0] else None))
        outcomes.append(outcome)
        if progress:
            state = "ok" if outcome[0] else "FAILED: " + outcome[1]
            print(f"[{n}/{total}] {point['id']}: {state}", file=sys.stderr)
    csv_text = plan.results_csv(outcomes)
    if out is not None:
        with open(os.path.join(out, "results.csv"), "w", encoding="utf-8") as f:
            f.write(csv_text)
    return SweepResult(points, table_from_text(csv_text, frames), csv_text, out)


def plan(sweep_file, set=None, *, reduced=False, base_dir=None):
    """The points a sweep would run, without running them: [{index, id, params, seed,
    overrides}] (as `xpusim sweep --dry-run` lists them)."""
    name, text = source(sweep_file, base_dir)
    return _xpusim.SweepPlan(name, text, assignments(set), reduced).points


__all__ = ["sweep", "plan", "SweepResult", "PointResult"]
