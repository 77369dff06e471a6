// xpusim command line: run | validate | list | trace | sweep | regress | diff | calibrate.
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <iostream>

#include "xpusim/cli/commands.hpp"
#include "xpusim/cli/run_info.hpp"

namespace {

void add_unset(CLI::App* cmd, std::vector<std::string>& unsets, const std::string& where = "") {
  cmd->add_option("--unset", unsets, "remove a key of the scenario" + where + " (repeatable)")
      ->take_all()->allow_extra_args(false);
}

void with_unsets(std::vector<std::string>& overrides, const std::vector<std::string>& unsets) {
  std::vector<std::string> all;
  for (const auto& key : unsets) all.push_back("~" + key);
  all.insert(all.end(), overrides.begin(), overrides.end());
  overrides = std::move(all);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace xpusim::cli;
  // A file size limit (ulimit -f) must fail the write (EFBIG: an error, temporaries removed),
  // not kill the process with SIGXFSZ halfway through writing the outputs.
  std::signal(SIGXFSZ, SIG_IGN);
  // `--out ""` would silently mean the default directory: refuse it as a usage error.
  const CLI::Validator non_empty(
      [](std::string& v) { return v.empty() ? std::string("an empty directory name") : std::string(); },
      "DIR");
  CLI::App app{"xpusim: discrete-event simulator for heterogeneous LLM and MoE serving"};
  app.set_version_flag("--version", version_line(), "print the version and the build's commit");
  app.require_subcommand(1);
  app.fallthrough();  // -q/-v may also follow the subcommand: xpusim run -q ...
  int verbosity = 0;
  bool quiet = false;
  app.add_flag("-v,--verbose", verbosity, "more log output on stderr (repeat for debug)");
  app.add_flag("-q,--quiet", quiet, "only errors on stderr, no summary table on stdout");

  RunArgs run;
  CLI::App* run_cmd = app.add_subcommand("run", "simulate one scenario and write its results");
  run_cmd->add_option("scenario", run.scenario, "scenario YAML file")->required();
  run_cmd->add_option("-o,--out", run.out_dir,
                      "output directory (default: a new results/<name>/<UTC time>/); a non-empty "
                      "one needs --force")
      ->check(non_empty);
  run_cmd->add_flag("--force", run.force,
                    "write into a non-empty --out (its files are replaced when the run completes)");
  run_cmd->add_option("--set", run.overrides,
                      "override a key: dotted.key=value (repeatable); with -m, dotted.key=a,b,c "
                      "is a grid axis, one run per value")
      ->take_all()->allow_extra_args(false);
  run_cmd->add_option("--unset", run.unsets, "remove a key of the scenario (repeatable)")
      ->take_all()->allow_extra_args(false);
  run_cmd->add_flag("-m,--multirun", run.multirun,
                    "run the grid of the comma lists in --set values (KEY=a,b,c; their product) "
                    "as a sweep into OUT/points/<id>/ and OUT/results.csv");
  run_cmd->add_option("-j,--jobs", run.jobs, "grid points run in parallel (default: one per core)")
      ->check(CLI::NonNegativeNumber);
  run_cmd->add_flag("--timeline", run.timeline, "also write timeline.json (Perfetto)");
  run_cmd->add_option("--timeline-max-tracks", run.timeline_max_tracks,
                      "timeline: requests (moe: steps with layer passes, moe_offload: "
                      "iterations, ina: jobs) that get a track; a warning says how many did not")
      ->capture_default_str()->check(CLI::Range(std::uint64_t{0}, std::uint64_t{100'000'000}));
  run_cmd->add_option("--progress-every", run.progress_every_s,
                      "seconds between progress lines when stderr is not a terminal (-q: none)")
      ->capture_default_str()->check(CLI::Range(0.001, 1e6));
  run_cmd->add_option("--max-events", run.max_events,
                      "stop (exit 4, no outputs) after this many simulator events; 0 = no limit")
      ->check(CLI::NonNegativeNumber);
  run_cmd->add_option("--max-wall-s", run.max_wall_s,
                      "stop (exit 4, no outputs) after this many seconds of wall time; 0 = no limit")
      ->check(CLI::Range(0.0, 1e9));
  run_cmd->add_option("--watchdog-events", run.watchdog_events,
                      "livelock watchdog: stop (exit 4) after this many events at one simulated "
                      "instant; 0 = off")
      ->capture_default_str();
  run_cmd->add_option("--requests-csv", run.requests_csv,
                      "requests.csv rows: all, none (no file), or sample:N (about one request in "
                      "N, chosen by a hash of the request id)")
      ->check([](const std::string& v) {
        return parse_requests_csv(v) ? std::string()
                                     : "expected all, none or sample:N with an integer N >= 1, "
                                       "got '" + v + "'";
      })
      ->capture_default_str();

  std::vector<std::string> files, validate_overrides;
  CLI::App* val_cmd = app.add_subcommand("validate", "check scenario, sweep and regression-case files as run would; report every error");
  val_cmd->add_option("files", files, "scenario YAML files")->required();
  val_cmd->add_option("--set", validate_overrides, "override a key: dotted.key=value");
  std::vector<std::string> validate_unsets, sweep_unsets, regress_unsets, calibrate_unsets;
  add_unset(val_cmd, validate_unsets);

  ListArgs list;
  CLI::App* list_cmd = app.add_subcommand(
      "list", "list device kinds, models, policies, workload sources and their parameters");
  list_cmd->add_option("family", list.family,
                       "only this family: a system kind, section or policy family (e.g. serving, "
                       "batching, router, models)");
  list_cmd->add_option("name", list.name, "one entry of the family: a policy, key or preset");
  list_cmd->add_flag("--keys", list.keys,
                     "one tab-separated line per key (kind, section, choice, key, type, default)");

  TraceArgs trace;
  CLI::App* trace_cmd = app.add_subcommand("trace", "inspect trace files");
  trace_cmd->require_subcommand(1);
  CLI::App* stats_cmd = trace_cmd->add_subcommand(
      "stats", "request count, rate, burstiness, token percentiles, prefix reuse of a trace");
  stats_cmd->add_option("file", trace.file, "trace file")->required();
  stats_cmd->add_option("--format", trace.format,
                        "azure, xpusim, burstgpt or mooncake (default: inferred from the file)");

  SweepArgs sweep;
  CLI::App* sweep_cmd = app.add_subcommand(
      "sweep", "run a sweep (grid of dotted keys x values x seeds) and join results.csv");
  sweep_cmd->add_option("file", sweep.file, "sweep YAML file");
  sweep_cmd->add_option("-o,--out", sweep.out_dir, "output directory (default: results/sweeps/<name>)")
      ->check(non_empty);
  sweep_cmd->add_option("-j,--jobs", sweep.jobs, "points run in parallel (default: one per core)")
      ->check(CLI::NonNegativeNumber);
  sweep_cmd->add_option("--shard", sweep.shard, "run only points with index % N == I (I/N, 0-based)");
  sweep_cmd->add_option("--set", sweep.overrides, "override a key in every point (its own axis values win): dotted.key=value")
      ->take_all()->allow_extra_args(false);
  add_unset(sweep_cmd, sweep_unsets, " in every point (an axis still sets it)");
  sweep_cmd->add_flag("--reduced", sweep.reduced, "also apply the sweep file's `reduced:` overrides");
  sweep_cmd->add_flag("--mpi", sweep.mpi, "share the points among the ranks of an MPI job");
  sweep_cmd->add_flag("--dry-run", sweep.dry_run,
                      "list the points (id and overrides) and check that each one's scenario "
                      "loads; run nothing");
  std::vector<std::string> merge_dirs;
  std::string merge_out;
  CLI::App* merge_cmd = sweep_cmd->add_subcommand("merge", "join shard output directories of one sweep");
  merge_cmd->add_option("dirs", merge_dirs, "shard output directories")->required();
  merge_cmd->add_option("-o,--out", merge_out, "merged output directory")->required()->check(non_empty);

  RegressArgs regress;
  CLI::App* regress_cmd = app.add_subcommand(
      "regress", "check key metrics of regression cases against committed expectations");
  regress_cmd->add_option("paths", regress.paths, "case files or directories (default: tests/regression)");
  regress_cmd->add_flag("--update", regress.update, "rewrite the expectations with this build's values");
  regress_cmd->add_option("--set", regress.overrides, "override a key in every case: dotted.key=value")
      ->take_all()->allow_extra_args(false);
  add_unset(regress_cmd, regress_unsets, " in every case");

  regress_cmd->add_option("--junit", regress.junit, "also write a JUnit XML report to this file");

  DiffArgs diff;
  CLI::App* diff_cmd = app.add_subcommand(
      "diff", "compare two result folders (or one and a regression case) metric by metric");
  diff_cmd->add_option("a", diff.a, "result folder, summary.json or regression case (.yaml)")
      ->required();
  diff_cmd->add_option("b", diff.b, "result folder, summary.json or regression case (.yaml)")
      ->required();
  diff_cmd->add_flag("--all", diff.all, "also list the metrics that did not change");
  diff_cmd->add_option("--fail-above", diff.fail_above_pct,
                       "exit 1 when some metric changed by more than this many percent")
      ->check(CLI::Range(0.0, 1e12));

  CalibrateArgs calibrate;
  CLI::App* calibrate_cmd = app.add_subcommand(
      "calibrate", "fit engine overhead and GPU-time factor to a measured run; write a preset");
  calibrate_cmd->add_option("scenario", calibrate.scenario, "serving scenario of the run")->required();
  calibrate_cmd->add_option("--measured", calibrate.measured,
                            "CSV with arrival_s, prompt_tokens, output_tokens, ttft_s, tpot_s, e2e_s")
      ->required();
  calibrate_cmd->add_option("--set", calibrate.overrides, "override a scenario key: dotted.key=value")
      ->take_all()->allow_extra_args(false);
  add_unset(calibrate_cmd, calibrate_unsets);
  calibrate_cmd->add_option("-o,--out", calibrate.out, "engine preset file to write (YAML)");
  calibrate_cmd->add_option("--work-dir", calibrate.work_dir, "folder for the replay's files");
  calibrate_cmd->add_flag("--fit-per-seq", calibrate.fit_per_seq,
                          "also fit per_seq_us (needs a run whose batch size varies widely)");
  calibrate_cmd->add_option("--max-evals", calibrate.max_evaluations, "simulations the fit may run")
      ->check(CLI::Range(30, 100000));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 prints the message (and help for --help); a usage error is always exit code 2,
    // not CLI11's own per-error codes.
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }

  auto logger = spdlog::stderr_color_st("xpusim");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%^%l%$: %v");
  spdlog::set_level(quiet ? spdlog::level::err
                          : verbosity >= 2 ? spdlog::level::debug
                          : verbosity == 1 ? spdlog::level::info
                                           : spdlog::level::warn);
  // `--unset KEY` is the override `~KEY`, applied before every --set (as `run` does).
  with_unsets(validate_overrides, validate_unsets);
  with_unsets(sweep.overrides, sweep_unsets);
  with_unsets(regress.overrides, regress_unsets);
  with_unsets(calibrate.overrides, calibrate_unsets);
  run.quiet = quiet;
  run.command_line.assign(argv, argv + argc);
  if (*run_cmd) return run_command(run);
  if (*val_cmd) return validate_command(files, validate_overrides);
  if (*list_cmd) return list_command(list);
  if (*trace_cmd) return trace_command(trace);
  if (*regress_cmd) return regress_command(regress);
  if (*diff_cmd) return diff_command(diff);
  if (*calibrate_cmd) return calibrate_command(calibrate);
  if (*merge_cmd) return sweep_merge_command(merge_dirs, merge_out);
  if (*sweep_cmd) {
    if (sweep.file.empty()) {
      spdlog::error("sweep: a sweep file is required (or: sweep merge DIR... -o OUT)");
      return kExitUsage;
    }
    sweep.quiet = quiet;
    return sweep_command(sweep);
  }
  return kExitUsage;
}
