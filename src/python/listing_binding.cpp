// What a scenario may name: the catalogs' entries with their parameters, the shipped presets and
// the system kinds. Generated from the declarations the loader validates against, as `xpusim
// list` is.
#include "xpusim/build_paths.hpp"

#include <pybind11/stl.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "xpusim/python/bindings.hpp"
#include "xpusim/python/shared_catalogs.hpp"
#include "xpusim/scenario/system_kinds.hpp"

namespace py = pybind11;

namespace xpusim::python {

namespace {

py::object to_python(const ParamValue& v) {
  return std::visit([](const auto& x) -> py::object { return py::cast(x); }, v);
}

py::list schema_list(const ParamSchema& schema) {
  py::list out;
  for (const auto& d : schema.decls()) {
    py::dict p;
    p["name"] = d.name;
    p["type"] = to_string(d.type);
    p["default"] = d.default_value ? to_python(*d.default_value) : py::none();
    p["required"] = !d.default_value.has_value();
    p["unit"] = d.unit;
    p["expected"] = d.expected();
    p["help"] = d.help;
    out.append(p);
  }
  return out;
}

// One family: {name: {help, params}} under its YAML key.
template <typename CatalogT>
void add_family(py::dict& out, const char* family, const char* key, const CatalogT& catalog) {
  py::dict entries;
  for (const auto& [name, entry] : catalog.entries()) {
    py::dict e;
    e["help"] = entry.help;
    e["params"] = schema_list(entry.schema);
    entries[py::str(name)] = e;
  }
  py::dict f;
  f["key"] = key;
  f["entries"] = entries;
  out[family] = f;
}

py::dict catalogs() {
  const scenario::Catalogs& c = shared_catalogs();
  py::dict out;
  add_family(out, "batching", "batching.policy", c.batching);
  add_family(out, "router", "cluster.router.policy", c.routers);
  add_family(out, "migration", "cluster.migration.policy", c.migration);
  add_family(out, "fairness", "fairness.policy", c.fairness);
  add_family(out, "eviction", "prefix_cache.eviction.policy", c.eviction);
  add_family(out, "execution", "execution.model", c.execution);
  add_family(out, "workload", "workload.source", c.sources);
  add_family(out, "switch_memory", "switch_memory.policy", c.switch_memory);
  add_family(out, "flow_scheduling", "flow_scheduling.policy", c.flow_scheduling);
  add_family(out, "dvfs", "dvfs.policy", c.dvfs);
  add_family(out, "expert_placement", "placement.policy", c.expert_placement);
  add_family(out, "expert_offload", "offload.policy", c.expert_offload);
  return out;
}

// The preset names (file stems) in the shipped configs/<dir>/, sorted.
std::vector<std::string> presets(const std::string& dir) {
  std::vector<std::string> names;
  const std::filesystem::path root = std::filesystem::path(XPUSIM_SOURCE_DIR) / "configs" / dir;
  if (std::filesystem::is_directory(root))
    for (const auto& f : std::filesystem::directory_iterator(root))
      if (f.path().extension() == ".yaml") names.push_back(f.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

void bind_listing(py::module_& m) {
  m.def("catalogs", &catalogs,
        "{family: {key: YAML key, entries: {name: {help, params: [{name, type, default, "
        "required, unit, expected, help}]}}}}");
  m.def("presets", &presets, py::arg("dir"), "preset names in the shipped configs/<dir>/");
  m.def("system_kinds", [] {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& k : scenario::system_kinds()) out.emplace_back(k.name, k.description);
    return out;
  }, "[(name, description)] of the kinds `system:` may name");
  m.attr("source_dir") = XPUSIM_SOURCE_DIR;
}

}  // namespace xpusim::python
