// `xpusim sweep`: expands a sweep file into points, runs those not yet complete in child
// processes (or across MPI ranks), and joins every point's summary into results.csv.
#include <spdlog/spdlog.h>

#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "xpusim/cli/commands.hpp"
#include "xpusim/cli/mpi_sweep.hpp"
#include "xpusim/cli/point_processes.hpp"
#include "xpusim/cli/sweep_output.hpp"
#include "xpusim/core/error.hpp"
#include "xpusim/core/excerpt.hpp"
#include "xpusim/experiments/sweep_results.hpp"
#include "xpusim/scenario/catalogs.hpp"
#include "xpusim/scenario/system_kinds.hpp"

namespace xpusim::cli {

namespace {

int default_jobs() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

}  // namespace

namespace {

// `sweep --dry-run`: one line per point on stdout (index, id, its overrides); every point's
// scenario is loaded, so a typo in an axis key or value is reported before anything runs.
int dry_run(const experiments::SweepSpec& spec, const std::vector<experiments::SweepPoint>& points) {
  const scenario::Catalogs catalogs = scenario::build_catalogs();
  int invalid = 0;
  for (const auto& p : points) {
    std::cout << p.index << '\t' << p.id;
    for (const auto& o : p.overrides) std::cout << "\t--set " << o;
    std::cout << '\n';
    try {
      (void)scenario::load_any_scenario(spec.base.string(), p.overrides, catalogs);
    } catch (const scenario::ScenarioError& e) {
      ++invalid;
      for (const auto& m : e.messages()) spdlog::error("point {}: {}", p.id, safe_message(m));
    } catch (const Error& e) {
      ++invalid;
      spdlog::error("point {}: {}", p.id, safe_message(e.what()));
    }
  }
  return invalid == 0 ? kExitOk : kExitInput;
}

}  // namespace

int sweep_command(const SweepArgs& args) {
  try {
    experiments::SweepLoadOptions load;
    load.extra_overrides = args.overrides;
    load.reduced = args.reduced;
    experiments::SweepSpec spec = experiments::load_sweep_spec(args.file, load);
    std::size_t shard = 0, shards = 1;
    if (!args.shard.empty() && !experiments::parse_shard(args.shard, shard, shards)) {
      spdlog::error("--shard '{}': expected I/N with 0 <= I < N, e.g. 0/4", args.shard);
      return kExitUsage;
    }
    const std::filesystem::path out =
        args.out_dir.empty() ? std::filesystem::path("results/sweeps") / spec.file.stem()
                             : std::filesystem::path(args.out_dir);
    const auto mine = experiments::shard_points(spec.points, shard, shards);

    if (args.dry_run) return dry_run(spec, mine);
    if (args.mpi) return mpi_sweep(spec, mine, out, args.shard, args.quiet);

    std::filesystem::create_directories(out / "points");
    write_manifest(out, spec, args.shard);
    std::vector<experiments::SweepPoint> todo;
    for (const auto& p : mine)
      if (!experiments::point_complete(out / "points" / p.id)) todo.push_back(p);
    spdlog::info("{} points{}, {} already complete, running {} with -j {}", spec.points.size(),
                 shards > 1 ? " (shard " + args.shard + ": " + std::to_string(mine.size()) + ")"
                            : std::string(),
                 mine.size() - todo.size(), todo.size(), args.jobs > 0 ? args.jobs : default_jobs());
    std::size_t done = 0;
    run_point_processes(
        spec.base, todo, out / "points", args.jobs > 0 ? args.jobs : default_jobs(),
        [&](const experiments::SweepPoint& p, bool ok) {
          ++done;
          if (args.quiet && ok) return;
          // A progress line per finished point, as the sweep goes: not a levelled diagnostic,
          // so it is written directly (shown unless -q, failures always).
          std::cerr << "[" << done << "/" << todo.size() << "] " << p.id << ": "
                    << (ok ? "ok"
                           : "FAILED: " + experiments::read_point_outcome(out / "points" / p.id).error)
                    << "\n";
        });
    return write_results(out, spec.param_keys, mine, args.quiet);
  } catch (const scenario::ScenarioError& e) {
    for (const auto& m : e.messages()) spdlog::error("{}", safe_message(m));
    return kExitInput;
  } catch (const Error& e) {
    spdlog::error("{}", safe_message(std::string(args.file) + ": " + e.what()));
    return kExitInput;
  } catch (const std::filesystem::filesystem_error& e) {
    spdlog::error("{}", safe_message(e.what()));
    return kExitInput;
  } catch (const std::exception& e) {
    spdlog::critical("internal error (please report): {}", e.what());
    return kExitInternal;
  }
}

}  // namespace xpusim::cli
