// run_scenario: what `xpusim run` does, callable from Python.
#include <pybind11/stl.h>

#include <csignal>
#include <optional>
#include <string>
#include <vector>

#include "xpusim/cli/run_info.hpp"
#include "xpusim/python/bindings.hpp"
#include "xpusim/python/shared_catalogs.hpp"
#include "xpusim/scenario/run_guard.hpp"
#include "xpusim/scenario/run_outputs.hpp"
#include "xpusim/scenario/system_kinds.hpp"

namespace py = pybind11;

namespace xpusim::python {

namespace {

volatile std::sig_atomic_t g_interrupted = 0;

extern "C" void on_interrupt(int sig) { g_interrupted = sig; }

// While a run is in progress Python's own SIGINT handler cannot run (the run holds the GIL), so
// Ctrl-C in a notebook would go unnoticed until the end. This swaps in a handler that the run
// polls, as the command line does, and puts Python's back afterwards.
class InterruptWatch {
 public:
  explicit InterruptWatch(bool enabled) : enabled_(enabled) {
    if (!enabled_) return;
    g_interrupted = 0;
    struct sigaction sa {};
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &previous_);
  }
  ~InterruptWatch() {
    if (enabled_) sigaction(SIGINT, &previous_, nullptr);
  }
  InterruptWatch(const InterruptWatch&) = delete;
  InterruptWatch& operator=(const InterruptWatch&) = delete;
  const volatile std::sig_atomic_t* flag() const { return enabled_ ? &g_interrupted : nullptr; }

 private:
  bool enabled_;
  struct sigaction previous_ {};
};

std::unique_ptr<scenario::LoadedScenario> load(const std::string& path,
                                               const std::optional<std::string>& text,
                                               const std::vector<std::string>& overrides) {
  if (!text) return scenario::load_any_scenario(path, overrides, shared_catalogs());
  scenario::YamlDocument doc = scenario::YamlDocument::parse(*text, path);
  scenario::Diagnostics diag;
  for (const auto& o : overrides) doc.apply_override(o, diag);
  return scenario::load_any_scenario(doc, diag, shared_catalogs());
}

// The lists of the scenario as given (scenario.yaml writes them back; run_outputs.hpp).
std::vector<std::pair<std::string, std::string>> lists_of(const std::string& path,
                                                          const std::optional<std::string>& text,
                                                          const std::vector<std::string>& overrides) {
  scenario::Diagnostics ignored;  // the load reported any error already
  if (!text) return scenario::scenario_lists(scenario::prepared_document(path, overrides, ignored).root());
  scenario::YamlDocument doc = scenario::YamlDocument::parse(*text, path);
  for (const auto& o : overrides) doc.apply_override(o, ignored);
  return scenario::scenario_lists(doc.root());
}

// `path` names the scenario (a file, or the name a text is known by); with `text` the file is
// not read and `path`'s folder resolves relative paths. Errors other than an invalid scenario
// are prefixed with `path`, as `xpusim run` prints them.
py::dict run_scenario(const std::string& path, const std::optional<std::string>& text,
                      const std::vector<std::string>& overrides, const std::string& out_dir,
                      bool timeline, std::uint64_t requests_csv_one_in, std::uint64_t max_events,
                      double max_wall_s, std::uint64_t watchdog_events, bool progress,
                      bool watch_interrupt, const std::vector<std::string>& argv,
                      const std::string& call) {
  scenario::RunResult result;
  std::string name;
  std::uint64_t seed = 0;
  cli::RunRecord record{argv, path, 0, std::chrono::system_clock::now(),
                        std::chrono::steady_clock::now(), call};
  try {
    const auto loaded = load(path, text, overrides);
    scenario::RunOptions options;
    options.out_dir = out_dir;
    // As `xpusim run` writes them: the resolved scenario (its relative paths against the
    // scenario's folder) and the provenance record.
    options.scenario_dir = std::filesystem::path(path).parent_path();
    if (options.scenario_dir.empty()) options.scenario_dir = ".";
    options.scenario_lists = lists_of(path, text, overrides);
    record.seed = loaded->seed();
    options.run_record = [&record] { return cli::run_record_json(record); };
    options.timeline = timeline;
    options.requests_csv_one_in = requests_csv_one_in;
    options.progress = progress;
    options.limits.max_events = max_events;
    options.limits.max_wall_s = max_wall_s;
    options.limits.stall_events = watchdog_events;
    const InterruptWatch watch(watch_interrupt);
    options.limits.interrupted = watch.flag();
    result = loaded->run(options);
    name = loaded->name();
    seed = loaded->seed();
  } catch (const scenario::RunStopped& e) {
    throw scenario::RunStopped(e.why(), e.signal(), path + ": " + e.what());
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
  py::dict out;
  out["summary"] = result.summary.dump();
  out["events"] = result.events;
  out["name"] = name;
  out["seed"] = seed;
  return out;
}

}  // namespace

void bind_run(py::module_& m) {
  m.def("run_scenario", &run_scenario, py::arg("path"), py::arg("text") = std::nullopt,
        py::arg("overrides") = std::vector<std::string>{}, py::arg("out_dir") = "",
        py::arg("timeline") = false, py::arg("requests_csv_one_in") = 1,
        py::arg("max_events") = 0, py::arg("max_wall_s") = 0.0,
        py::arg("watchdog_events") = 50'000'000, py::arg("progress") = false,
        py::arg("watch_interrupt") = false, py::arg("argv") = std::vector<std::string>{},
        py::arg("call") = "",
        "Loads a scenario (file `path`, or `text` known by that name), applies the overrides "
        "(dotted.key=value), runs it and writes its outputs into out_dir (none when empty), "
        "with scenario.yaml and run.json (argv: the process's sys.argv; call: the Python call). "
        "Returns {summary: JSON text, events, name, seed}.");
}

}  // namespace xpusim::python
