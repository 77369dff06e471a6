#include "xpusim/cli/mpi_sweep.hpp"
#include <spdlog/spdlog.h>

#include <iostream>

#include "xpusim/cli/commands.hpp"

#ifdef XPUSIM_HAVE_MPI
#include <mpi.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xpusim/cli/point_processes.hpp"
#include "xpusim/cli/sweep_output.hpp"
#include "xpusim/experiments/sweep_results.hpp"
#endif

namespace xpusim::cli {

#ifndef XPUSIM_HAVE_MPI

int mpi_sweep(const experiments::SweepSpec&, const std::vector<experiments::SweepPoint>&,
              const std::filesystem::path&, const std::string&, bool) {
  spdlog::error("--mpi: this xpusim was built without MPI (install libopenmpi-dev and "
                "rebuild); use --shard I/N with a job array instead");
  return kExitUsage;
}

#else

namespace {

constexpr int kTagRequest = 1;  // worker -> rank 0: index of the point just finished, or -1
constexpr int kTagWork = 2;     // rank 0 -> worker: index of the next point, or -1 to stop

using Points = std::vector<experiments::SweepPoint>;

void report_done(const Points& todo, long long i, const std::filesystem::path& out, bool quiet,
                 std::size_t& done) {
  ++done;
  const auto& p = todo[static_cast<std::size_t>(i)];
  const auto outcome = experiments::read_point_outcome(out / "points" / p.id);
  if (quiet && outcome.ok) return;
  // Progress line, written directly as in the local sweep (not a levelled diagnostic).
  std::cerr << "[" << done << "/" << todo.size() << "] " << p.id << ": "
            << (outcome.ok ? "ok" : "FAILED: " + outcome.error) << "\n";
}

// Rank 0: serves requests for work and keeps one point of its own running, polling both.
void coordinate(const std::filesystem::path& base, const Points& todo,
                const std::filesystem::path& out, int ranks, bool quiet) {
  const auto exe = self_executable();
  const auto dir = [&](std::size_t i) { return out / "points" / todo[i].id; };
  std::size_t next = 0, done = 0;
  int workers = ranks - 1;
  pid_t own = -1;
  std::size_t own_index = 0;
  while (next < todo.size() || own >= 0 || workers > 0) {
    bool progressed = false;
    int flag = 0;
    MPI_Status st;
    MPI_Iprobe(MPI_ANY_SOURCE, kTagRequest, MPI_COMM_WORLD, &flag, &st);
    if (flag) {
      long long finished = -1;
      MPI_Recv(&finished, 1, MPI_LONG_LONG, st.MPI_SOURCE, kTagRequest, MPI_COMM_WORLD,
               MPI_STATUS_IGNORE);
      if (finished >= 0) report_done(todo, finished, out, quiet, done);
      long long give = next < todo.size() ? static_cast<long long>(next++) : -1;
      if (give < 0) --workers;
      MPI_Send(&give, 1, MPI_LONG_LONG, st.MPI_SOURCE, kTagWork, MPI_COMM_WORLD);
      progressed = true;
    }
    if (own < 0 && next < todo.size()) {
      own_index = next++;
      own = spawn_point(exe, base, todo[own_index], dir(own_index));
      progressed = true;
    }
    if (own >= 0) {
      int status = 0;
      if (waitpid(own, &status, WNOHANG) == own) {
        settle_point(dir(own_index), status);
        report_done(todo, static_cast<long long>(own_index), out, quiet, done);
        own = -1;
        progressed = true;
      }
    }
    if (!progressed) usleep(5000);
  }
}

// Other ranks: ask for a point, run it, report it, until told to stop.
void work(const std::filesystem::path& base, const Points& todo, const std::filesystem::path& out) {
  const auto exe = self_executable();
  long long finished = -1;
  for (;;) {
    MPI_Send(&finished, 1, MPI_LONG_LONG, 0, kTagRequest, MPI_COMM_WORLD);
    long long give = -1;
    MPI_Recv(&give, 1, MPI_LONG_LONG, 0, kTagWork, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (give < 0) return;
    const auto& p = todo[static_cast<std::size_t>(give)];
    const pid_t pid = spawn_point(exe, base, p, out / "points" / p.id);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    settle_point(out / "points" / p.id, status);
    finished = give;
  }
}

}  // namespace

int mpi_sweep(const experiments::SweepSpec& spec, const Points& points,
              const std::filesystem::path& out, const std::string& shard, bool quiet) {
  MPI_Init(nullptr, nullptr);
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  // Every rank parsed the same sweep file, so a point index means the same point everywhere.
  // Rank 0 decides what is left to do before anyone starts, so all ranks agree on `todo`.
  if (rank == 0) {
    std::filesystem::create_directories(out / "points");
    write_manifest(out, spec, shard);
  }
  std::vector<char> left(points.size(), 1);
  if (rank == 0)
    for (std::size_t i = 0; i < points.size(); ++i)
      left[i] = experiments::point_complete(out / "points" / points[i].id) ? 0 : 1;
  MPI_Bcast(left.data(), static_cast<int>(left.size()), MPI_CHAR, 0, MPI_COMM_WORLD);
  Points todo;
  for (std::size_t i = 0; i < points.size(); ++i)
    if (left[i]) todo.push_back(points[i]);
  if (rank == 0)
    spdlog::info("{} points, {} already complete, running {} on {} MPI ranks", points.size(),
                 points.size() - todo.size(), todo.size(), ranks);
  int code = kExitOk;
  if (rank == 0) {
    coordinate(spec.base, todo, out, ranks, quiet);
    code = write_results(out, spec.param_keys, points, quiet);
  } else {
    work(spec.base, todo, out);
  }
  MPI_Finalize();
  return code;
}

#endif

}  // namespace xpusim::cli
