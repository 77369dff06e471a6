#pragma once
// A validated scenario of any system kind (serving, SoC flows, MoE, in-network aggregation…),
// ready to run. `xpusim run`, `xpusim sweep` and the tests drive every kind through this.
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace xpusim::scenario {

// Limits on one run (docs/errors.md). A run that hits one throws RunStopped and writes no
// output file; every system kind applies them through make_run_guard (run_guard.hpp).
struct RunLimits {
  std::uint64_t max_events = 0;  // 0: no limit
  double max_wall_s = 0;         // 0: no limit (wall time only ever stops a run, never shapes it)
  // Livelock watchdog: events in a row at one simulated instant before the run is stopped.
  std::uint64_t stall_events = 50'000'000;
  // Set (to the signal number) by the CLI's SIGINT/SIGTERM handler; null: not watched.
  const volatile std::sig_atomic_t* interrupted = nullptr;
};

struct RunOptions {
  std::filesystem::path out_dir;  // empty: write no files
  bool timeline = false;          // also write timeline.json (Chrome/Perfetto trace events)
  bool progress = false;          // progress on stderr (never changes an output)
  bool progress_bar = false;      // redraw a bar in place (stderr is a terminal), else lines
  double progress_every_s = 10;   // seconds between progress lines when not a bar
  // Timeline detail cap: requests (serving), steps with layer passes (moe), iterations
  // (moe_offload) or jobs (ina) beyond it get no track; a warning says how many.
  std::uint64_t timeline_max_tracks = 1000;
  // requests.csv rows (serving kinds): 1 = every request, N > 1 = about one in N (a hash of the
  // request id, report::ServingMetrics::csv_sampled), 0 = no requests.csv.
  std::uint64_t requests_csv_one_in = 1;
  RunLimits limits;
  // The directory relative paths in the scenario were resolved against (the scenario file's);
  // scenario.yaml writes a relative path that names a file there as an absolute path, so that
  // it runs as is from the output folder. Empty: paths are written as given.
  std::filesystem::path scenario_dir;
  // Lists of the scenario document (dotted key, YAML text: faults.schedule, ...), which the
  // resolved parameters do not hold; scenario.yaml writes them back (scenario_lists()).
  std::vector<std::pair<std::string, std::string>> scenario_lists;
  // The text of run.json (provenance: version, commit, command line, start and wall time,
  // host), asked for when the outputs are committed; unset: no run.json. It is kept apart from
  // summary.json, which must stay byte-identical for the same scenario and seed.
  std::function<std::string()> run_record;
};

struct RunResult {
  nlohmann::json summary;     // what summary.json holds
  std::uint64_t events = 0;   // simulator events processed
};

class LoadedScenario {
 public:
  virtual ~LoadedScenario() = default;
  virtual const std::string& name() const = 0;
  virtual std::uint64_t seed() const = 0;
  // Throws xpusim::Error for problems found while building or running. Output files appear
  // only when the run completed: each is written to a temporary name and renamed at the end,
  // summary.json last.
  virtual RunResult run(const RunOptions& options) const = 0;
};

}  // namespace xpusim::scenario
