#include "xpusim/cli/sweep_output.hpp"
#include <spdlog/spdlog.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "xpusim/cli/commands.hpp"
#include "xpusim/core/error.hpp"
#include "xpusim/report/atomic_file.hpp"
#include "xpusim/experiments/sweep_results.hpp"

namespace xpusim::cli {

void write_manifest(const std::filesystem::path& out, const experiments::SweepSpec& spec,
                    const std::string& shard) {
  nlohmann::json m = experiments::sweep_manifest(spec);
  m["shard"] = shard;
  report::AtomicFile f(out / "sweep.json");
  f.stream() << m.dump(1) << "\n";
  f.commit();
}

experiments::SweepSpec read_manifest(const std::filesystem::path& dir) {
  std::ifstream in(dir / "sweep.json");
  if (!in) throw Error(dir.string() + ": no sweep.json (not a sweep output directory)");
  try {
    return experiments::spec_from_manifest(nlohmann::json::parse(in));
  } catch (const nlohmann::json::exception& e) {
    throw Error((dir / "sweep.json").string() + ": " + e.what());
  } catch (const Error& e) {
    throw Error((dir / "sweep.json").string() + ": " + e.what());
  }
}

int write_results(const std::filesystem::path& out, const std::vector<std::string>& param_keys,
                  const std::vector<experiments::SweepPoint>& points, bool quiet) {
  std::vector<experiments::PointOutcome> outcomes;
  std::size_t failed = 0;
  for (const auto& p : points) {
    outcomes.push_back(experiments::read_point_outcome(out / "points" / p.id));
    if (!outcomes.back().ok) ++failed;
  }
  report::AtomicFile csv(out / "results.csv");
  csv.stream() << experiments::results_csv(param_keys, points, outcomes);
  csv.commit();
  const std::string csv_path = (out / "results.csv").string();
  if (failed > 0)
    spdlog::error("{} of {} points ok, {} failed; results in {}", points.size() - failed,
                 points.size(), failed, csv_path);
  else if (!quiet)  // the sweep's results line, written directly as in `run` (run_command.cpp)
    std::cerr << points.size() << " of " << points.size() << " points ok; results in " << csv_path
              << "\n";
  return failed == 0 ? kExitOk : kExitInput;
}

}  // namespace xpusim::cli
