// `xpusim sweep merge DIR... -o OUT`: joins the output directories of the shards of one sweep
// (from --shard I/N job-array tasks, or interrupted runs on different machines) into one.
#include <spdlog/spdlog.h>

#include <iostream>

#include "xpusim/cli/commands.hpp"
#include "xpusim/cli/sweep_output.hpp"
#include "xpusim/core/error.hpp"
#include "xpusim/experiments/sweep_results.hpp"

namespace xpusim::cli {

namespace {

bool same_points(const experiments::SweepSpec& a, const experiments::SweepSpec& b) {
  if (a.points.size() != b.points.size() || a.param_keys != b.param_keys) return false;
  for (std::size_t i = 0; i < a.points.size(); ++i)
    if (a.points[i].id != b.points[i].id) return false;
  return true;
}

// The directory holding the best outcome of one point: a complete one, else a failed one.
const std::filesystem::path* best_source(const std::vector<std::filesystem::path>& dirs,
                                         const std::string& id) {
  const std::filesystem::path* failed = nullptr;
  for (const auto& d : dirs) {
    const auto p = d / "points" / id;
    if (experiments::point_complete(p)) return &d;
    if (!failed && std::filesystem::is_directory(p)) failed = &d;
  }
  return failed;
}

}  // namespace

int sweep_merge_command(const std::vector<std::string>& dir_names, const std::string& out_dir) {
  try {
    std::vector<std::filesystem::path> dirs(dir_names.begin(), dir_names.end());
    const experiments::SweepSpec spec = read_manifest(dirs.front());
    for (std::size_t i = 1; i < dirs.size(); ++i)
      if (!same_points(spec, read_manifest(dirs[i])))
        throw Error(dirs[i].string() + ": not a shard of the same sweep as " +
                    dirs.front().string() + " (its points or parameters differ)");
    const std::filesystem::path out(out_dir);
    std::filesystem::create_directories(out / "points");
    for (const auto& p : spec.points) {
      const auto* src = best_source(dirs, p.id);
      if (!src) continue;  // run by no shard: results.csv says "not run"
      const auto from = *src / "points" / p.id, to = out / "points" / p.id;
      if (std::filesystem::exists(to) && std::filesystem::equivalent(from, to)) continue;
      std::filesystem::remove_all(to);
      std::filesystem::copy(from, to, std::filesystem::copy_options::recursive);
    }
    write_manifest(out, spec, "");
    return write_results(out, spec.param_keys, spec.points, false);
  } catch (const Error& e) {
    spdlog::error("sweep merge: {}", e.what());
    return kExitInput;
  } catch (const std::filesystem::filesystem_error& e) {
    spdlog::error("sweep merge: {}", e.what());
    return kExitInput;
  }
}

}  // namespace xpusim::cli
