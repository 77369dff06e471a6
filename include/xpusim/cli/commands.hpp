#pragma once
// The subcommands of the xpusim command line. Each returns the process exit code.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace xpusim::cli {

// Exit codes: 0 success, 1 invalid input or failed run, 2 usage error, 3 internal error (bug).
inline constexpr int kExitOk = 0;
inline constexpr int kExitInput = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInternal = 3;
// 4: the run was stopped by --max-events, --max-wall-s or the livelock watchdog (no outputs).
inline constexpr int kExitLimit = 4;
// An interrupted run (SIGINT, SIGTERM) exits with 128 + the signal number, as shells do.
inline constexpr int kExitSignalBase = 128;

struct RunArgs {
  std::string scenario;
  std::string out_dir;                 // "": a timestamped folder under results/<name>/
  std::vector<std::string> overrides;  // KEY=VALUE; with multirun KEY=a,b,c is a grid axis
  std::vector<std::string> unsets;     // --unset KEY (applied before the overrides)
  bool force = false;                  // write into a non-empty --out
  bool multirun = false;               // -m: comma lists in --set values make a grid
  int jobs = 0;                        // grid points in parallel; 0: one per core
  std::vector<std::string> command_line;  // argv, for run.json
  bool timeline = false;
  std::uint64_t timeline_max_tracks = 1000;
  double progress_every_s = 10;  // progress lines when stderr is not a terminal
  bool quiet = false;
  std::uint64_t max_events = 0;        // 0: none
  double max_wall_s = 0;               // 0: none
  std::uint64_t watchdog_events = 50'000'000;  // 0: off
  std::string requests_csv = "all";            // none | sample:N | all
};

// "all" -> 1, "sample:N" -> N (N >= 1), "none" -> 0 (scenario::RunOptions::requests_csv_one_in);
// nullopt for anything else.
std::optional<std::uint64_t> parse_requests_csv(const std::string& text);

int run_command(const RunArgs& args);

// The scenario overrides of `args` as the loader takes them: "~KEY" for each --unset, then the
// --set assignments.
std::vector<std::string> all_overrides(const RunArgs& args);
// The run's output folder: --out, refused (an error on stderr, nullopt) when it is not empty
// unless --force; without --out, a fresh timestamped folder results/NAME/<UTC time>.
std::optional<std::filesystem::path> choose_out_dir(const RunArgs& args, const std::string& name,
                                                    std::chrono::system_clock::time_point start);
// Splits an override's value at its top-level commas (outside [], {} and quotes):
// "k=1,2" -> {"k=1", "k=2"}; an override without one is returned alone.
std::vector<std::string> split_grid_values(const std::string& assignment);
// `run -m` with --set KEY=a,b,c: the grid of every such key's values, run as a sweep of points
// into OUT/points/<id>/ with OUT/results.csv (the experiments layer's sweep machinery).
int grid_run_command(const RunArgs& args);
int validate_command(const std::vector<std::string>& files, const std::vector<std::string>& overrides);
// `xpusim list [FAMILY [NAME]] [--keys]`, generated from the table of system kinds.
struct ListArgs {
  std::string family;  // a kind, a section key (or its last part), a plural alias; "" = all
  std::string name;    // one entry of the family: a choice, a key or a preset
  bool keys = false;   // machine-readable: one tab-separated line per key
};
int list_command(const ListArgs& args);

// `xpusim trace stats FILE [--format F]`: summarizes a trace file; format "" infers it.
struct TraceArgs {
  std::string file;
  std::string format;
};
int trace_command(const TraceArgs& args);

// `xpusim sweep FILE`: runs every point of a sweep (or one shard of them) and writes
// OUT/results.csv; exit 1 when any point failed (its error is in the CSV).
struct SweepArgs {
  std::string file;
  std::string out_dir;                 // default results/sweeps/<file stem>
  int jobs = 0;                        // parallel points; 0: one per core
  std::string shard;                   // "I/N": only points with index % N == I
  std::vector<std::string> overrides;  // applied to every point after the file's `set:`
  bool reduced = false;                // also apply the file's `reduced:` overrides
  bool mpi = false;                    // ranks of an MPI job share the points
  bool quiet = false;
  bool dry_run = false;                // list the points (id and overrides), check each loads
};
int sweep_command(const SweepArgs& args);

// `xpusim sweep merge DIR... -o OUT`: joins the output directories of shards of one sweep.
int sweep_merge_command(const std::vector<std::string>& dirs, const std::string& out_dir);

// `xpusim regress [PATH...] [--update] [--set k=v]`: runs regression cases (files, or the
// *.yaml of directories; default tests/regression) and compares key metrics with their committed
// expectations; exit 1 when any moved out of tolerance. --update rewrites the expectations.
struct RegressArgs {
  std::vector<std::string> paths;
  std::vector<std::string> overrides;  // applied to every case after its own `set:`
  bool update = false;
  std::string junit;  // also write a JUnit XML report here ("" = none)
};
int regress_command(const RegressArgs& args);

// `xpusim diff A B [--all] [--fail-above PCT]`: A and B are result folders, summary.json files
// or regression cases (their expectations). Exit 0 unless an input is unreadable, or some
// metric changed by more than PCT percent.
struct DiffArgs {
  std::string a, b;
  bool all = false;             // also list metrics that did not change
  double fail_above_pct = -1;   // < 0: never fail on a change
};
int diff_command(const DiffArgs& args);

struct CalibrateArgs {
  std::string scenario;                // serving scenario the measurements came from
  std::string measured;                // per-request CSV (docs/execution-model.md)
  std::vector<std::string> overrides;  // --set dotted.key=value
  std::string out;                     // preset file to write ("" = none)
  std::string work_dir;                // replay files ("" = a folder under the temp dir)
  int max_evaluations = 200;
  bool fit_per_seq = false;
};
int calibrate_command(const CalibrateArgs& args);

}  // namespace xpusim::cli
