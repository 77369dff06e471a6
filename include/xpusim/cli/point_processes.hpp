#pragma once
// Runs sweep points as child `xpusim run` processes, at most `jobs` at a time. A process per
// point isolates points completely: a point that crashes, runs out of memory or is killed
// fails alone, and its directory never holds a summary.json, so a re-run picks it up again.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "xpusim/experiments/sweep_spec.hpp"

namespace xpusim::cli {

// Path of the running xpusim executable (children are started from the same binary).
std::filesystem::path self_executable();

// Starts `xpusim run BASE -q -o DIR --set ...` for one point, its stdout and stderr going to
// DIR/run.log. Returns the child's pid; throws xpusim::Error when it cannot start.
int spawn_point(const std::filesystem::path& exe, const std::filesystem::path& base,
                const experiments::SweepPoint& point, const std::filesystem::path& dir);

// After the child `pid` running in `dir` ended with wait status `status`: when it did not
// leave a summary.json, writes DIR/error.txt (the run's error lines, or how it ended) and
// returns false.
bool settle_point(const std::filesystem::path& dir, int status);

// Runs `points` (each in points_dir/<id>), `jobs` at a time; calls on_done(point, ok) as each
// finishes, in completion order. When a point ends by Ctrl-C (SIGINT, or exit code 130), starts
// no further points: the sweep ends with those not run, and a re-run resumes.
void run_point_processes(const std::filesystem::path& base,
                         const std::vector<experiments::SweepPoint>& points,
                         const std::filesystem::path& points_dir, int jobs,
                         const std::function<void(const experiments::SweepPoint&, bool)>& on_done);

}  // namespace xpusim::cli
