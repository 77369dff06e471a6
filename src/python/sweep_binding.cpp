// SweepPlan: a sweep file expanded into its points (as `xpusim sweep` expands it), and the
// results.csv that command writes, from the points' outcomes. Running the points is the
// Python package's loop (python/xpusim/sweep.py), one run_scenario per point.
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "xpusim/core/error.hpp"
#include "xpusim/experiments/sweep_results.hpp"
#include "xpusim/experiments/sweep_spec.hpp"
#include "xpusim/python/bindings.hpp"

namespace py = pybind11;

namespace xpusim::python {

namespace {

// (ok, error, summary as JSON text; "" when not ok).
using Outcome = std::tuple<bool, std::string, std::string>;

experiments::SweepSpec load_plan(const std::string& path, const std::optional<std::string>& text,
                                 const std::vector<std::string>& overrides, bool reduced) {
  experiments::SweepLoadOptions options;
  options.extra_overrides = overrides;
  options.reduced = reduced;
  try {
    return text ? experiments::parse_sweep_spec(*text, path, options)
                : experiments::load_sweep_spec(path, options);
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
}

py::dict point_dict(const experiments::SweepPoint& p) {
  py::dict d;
  d["index"] = p.index;
  d["id"] = p.id;
  d["params"] = p.params;  // [(dotted key, YAML text)]
  d["seed"] = p.seed ? py::cast(*p.seed) : py::none();
  d["overrides"] = p.overrides;
  return d;
}

std::string results_csv(const experiments::SweepSpec& spec, const std::vector<Outcome>& given) {
  if (given.size() != spec.points.size())
    throw py::value_error("results_csv: one outcome per point expected");
  std::vector<experiments::PointOutcome> outcomes;
  for (const auto& [ok, error, summary] : given) {
    experiments::PointOutcome o;
    o.ok = ok;
    o.error = error;
    if (ok) o.summary = nlohmann::json::parse(summary);
    outcomes.push_back(std::move(o));
  }
  return experiments::results_csv(spec.param_keys, spec.points, outcomes);
}

Outcome read_outcome(const std::string& point_dir) {
  const experiments::PointOutcome o = experiments::read_point_outcome(point_dir);
  return {o.ok, o.error, o.ok ? o.summary.dump() : std::string()};
}

}  // namespace

void bind_sweep(py::module_& m) {
  py::class_<experiments::SweepSpec>(m, "SweepPlan", "A sweep file expanded into its points")
      .def(py::init(&load_plan), py::arg("path"), py::arg("text") = std::nullopt,
           py::arg("overrides") = std::vector<std::string>{}, py::arg("reduced") = false)
      .def_property_readonly("file", [](const experiments::SweepSpec& s) { return s.file.string(); })
      .def_property_readonly("base", [](const experiments::SweepSpec& s) { return s.base.string(); })
      .def_readonly("param_keys", &experiments::SweepSpec::param_keys)
      .def_property_readonly("points",
                             [](const experiments::SweepSpec& s) {
                               py::list out;
                               for (const auto& p : s.points) out.append(point_dict(p));
                               return out;
                             })
      .def("manifest",
           [](const experiments::SweepSpec& s) {
             nlohmann::json m = experiments::sweep_manifest(s);
             m["shard"] = "";  // all points, as `xpusim sweep` without --shard
             return m.dump(1) + "\n";
           },
           "sweep.json, as `xpusim sweep` writes it (so `xpusim sweep merge` reads it)")
      .def("results_csv", &results_csv, py::arg("outcomes"),
           "results.csv from one (ok, error, summary JSON) per point, as `xpusim sweep` writes it");
  m.def("read_point_outcome", &read_outcome, py::arg("point_dir"),
        "(ok, error, summary JSON) of a point folder, as `xpusim sweep` reads it");
}

}  // namespace xpusim::python
