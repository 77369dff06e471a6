#pragma once
// The files of a sweep's output directory: sweep.json (the manifest of every point),
// points/<id>/ (each point's own run), results.csv (the join). Shared by the local, sharded,
// MPI and merge paths so they write the same thing.
#include <filesystem>
#include <string>
#include <vector>

#include "xpusim/experiments/sweep_spec.hpp"

namespace xpusim::cli {

// Writes OUT/sweep.json atomically (`shard` "I/N", or empty for the whole sweep).
void write_manifest(const std::filesystem::path& out, const experiments::SweepSpec& spec,
                    const std::string& shard);
// Reads DIR/sweep.json; throws xpusim::Error naming the directory when missing or malformed.
experiments::SweepSpec read_manifest(const std::filesystem::path& dir);

// Reads each point's outcome from OUT/points/<id> and writes OUT/results.csv atomically;
// prints a one-line tally unless quiet. Returns 0 when every point is ok, else 1.
int write_results(const std::filesystem::path& out, const std::vector<std::string>& param_keys,
                  const std::vector<experiments::SweepPoint>& points, bool quiet);

}  // namespace xpusim::cli
