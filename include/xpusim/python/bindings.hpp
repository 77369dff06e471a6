#pragma once
// The Python module xpusim._xpusim (docs/python.md): a top layer like the command line, over
// the scenario and experiments layers. Each file of src/python/ adds one group of functions;
// the pure-Python package python/xpusim/ wraps them (results as dicts and DataFrames).
#include <pybind11/pybind11.h>

namespace xpusim::python {

// The exception types (xpusim.Error, ScenarioError, RunStopped) and the translator that raises
// them for the library's errors, with the messages the command line prints.
void bind_errors(pybind11::module_& m);
// run_scenario: one scenario (file or text) with overrides, outputs into a folder.
void bind_run(pybind11::module_& m);
// SweepPlan: a sweep file's points, and results.csv from their outcomes.
void bind_sweep(pybind11::module_& m);
// Diagnostics on stderr at the command line's default level, and set_log_level.
void bind_logging(pybind11::module_& m);
// The catalogs (policies, sources, execution models), presets and system kinds.
void bind_listing(pybind11::module_& m);

}  // namespace xpusim::python
