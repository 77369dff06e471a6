#include "xpusim/cli/sweep_output.hpp"

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
  if (!quiet || failed > 0)
    std::cerr << points.size() - failed << " of " << points.size() << " points ok"
              << (failed > 0 ? ", " + std::to_string(failed) + " failed" : std::string())
              << "; results in " << (out / "results.csv").string() << "\n";
  return failed == 0 ? kExitOk : kExitInput;
}

}  // namespace xpusim::cli
