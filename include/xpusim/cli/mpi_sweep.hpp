#pragma once
// `xpusim sweep --mpi`: the ranks of one MPI job share a sweep's points. Rank 0 hands out point
// indices on request (so fast and slow points balance themselves) while running points of its
// own, and writes results.csv once every rank has stopped. Every rank runs its points as child
// processes into the same output directory, which must be on a file system all ranks see.
#include <filesystem>
#include <string>
#include <vector>

#include "xpusim/experiments/sweep_spec.hpp"

namespace xpusim::cli {

// Runs `points` of `spec` (shard `shard` of it, "" for all) across the ranks of MPI_COMM_WORLD.
// Returns the exit code (rank 0: 0 when every point is ok; other ranks: 0). Without MPI support,
// prints why and returns 2.
int mpi_sweep(const experiments::SweepSpec& spec, const std::vector<experiments::SweepPoint>& points,
              const std::filesystem::path& out, const std::string& shard, bool quiet);

}  // namespace xpusim::cli
