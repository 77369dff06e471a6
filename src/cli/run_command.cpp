#include <spdlog/spdlog.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "xpusim/cli/commands.hpp"
#include "xpusim/cli/run_info.hpp"
#include "xpusim/core/error.hpp"
#include "xpusim/core/excerpt.hpp"
#include "xpusim/experiments/regression_case.hpp"
#include "xpusim/experiments/sweep_spec.hpp"
#include "xpusim/report/summary_table.hpp"
#include "xpusim/scenario/run_guard.hpp"
#include "xpusim/scenario/run_outputs.hpp"
#include "xpusim/scenario/scenario_loader.hpp"
#include "xpusim/scenario/system_kinds.hpp"

namespace xpusim::cli {

namespace {

// The one piece of process-wide state: a signal handler can only reach a global. It holds the
// number of the first SIGINT/SIGTERM received; the run polls it and stops cleanly.
volatile std::sig_atomic_t g_interrupted = 0;

extern "C" void on_stop_signal(int sig) { g_interrupted = sig; }

// Installed for `run` only. SA_RESETHAND: a second Ctrl-C kills at once (then temporary
// .tmp.<pid> files may be left; the outputs are still complete or absent).
void watch_stop_signals() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

}  // namespace

std::optional<std::uint64_t> parse_requests_csv(const std::string& text) {
  if (text == "all") return 1;
  if (text == "none") return 0;
  constexpr std::string_view kPrefix = "sample:";
  if (text.rfind(kPrefix, 0) != 0) return std::nullopt;
  const std::string_view digits = std::string_view(text).substr(kPrefix.size());
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty() || n < 1)
    return std::nullopt;
  return n;
}

std::vector<std::string> all_overrides(const RunArgs& args) {
  std::vector<std::string> all;
  for (const auto& key : args.unsets) all.push_back("~" + key);
  all.insert(all.end(), args.overrides.begin(), args.overrides.end());
  return all;
}

std::optional<std::filesystem::path> choose_out_dir(const RunArgs& args, const std::string& name,
                                                    std::chrono::system_clock::time_point start) {
  if (args.out_dir.empty()) return timestamped_dir("results", name, start);
  const std::filesystem::path out(args.out_dir);
  if (in_use(out) && !args.force) {
    spdlog::error("--out {}: not empty (an earlier run's results?); pass --force to replace its "
                  "files when this run completes, or choose another folder",
                  safe_message(out.string()));
    return std::nullopt;
  }
  return out;
}

int run_command(const RunArgs& args) {
  if (args.multirun) return grid_run_command(args);
  RunRecord record;
  record.start = std::chrono::system_clock::now();
  record.start_steady = std::chrono::steady_clock::now();
  record.command_line = args.command_line;
  record.scenario = args.scenario;
  watch_stop_signals();
  try {
    const scenario::Catalogs catalogs = scenario::build_catalogs();
    const auto loaded = scenario::load_any_scenario(args.scenario, all_overrides(args), catalogs);
    const auto out = choose_out_dir(args, loaded->name(), record.start);
    if (!out) return kExitUsage;
    record.seed = loaded->seed();
    scenario::RunOptions options;
    options.out_dir = *out;
    options.scenario_dir = std::filesystem::path(args.scenario).parent_path();
    if (options.scenario_dir.empty()) options.scenario_dir = ".";
    options.run_record = [&record] { return run_record_json(record); };
    {
      scenario::Diagnostics ignored;  // the load above reported any error already
      options.scenario_lists =
          scenario::scenario_lists(scenario::prepared_document(args.scenario, all_overrides(args), ignored).root());
    }
    options.timeline = args.timeline;
    options.requests_csv_one_in = parse_requests_csv(args.requests_csv).value_or(1);
    options.timeline_max_tracks = args.timeline_max_tracks;
    options.progress = !args.quiet;
    options.progress_bar = isatty(STDERR_FILENO) != 0;
    options.progress_every_s = args.progress_every_s;
    options.limits.max_events = args.max_events;
    options.limits.max_wall_s = args.max_wall_s;
    options.limits.stall_events = args.watchdog_events;
    options.limits.interrupted = &g_interrupted;
    spdlog::info("running {} (seed {}) -> {}", args.scenario, loaded->seed(), options.out_dir.string());
    const scenario::RunResult result = loaded->run(options);
    if (!args.quiet) std::cout << report::format_summary_table(result.summary);
    spdlog::info("{} events", result.events);
    // Always (unless -q): where the results went, one line on stderr. Written directly, not
    // through spdlog: it is the one line a default run prints, unprefixed so scripts can read it
    // ("results: DIR"), and it shows at the default level while info lines do not.
    if (!args.quiet) std::cerr << "results: " << safe_message(options.out_dir.string()) << "\n";
    if (g_interrupted != 0) {
      spdlog::warn("interrupted by signal {} after the run finished; the outputs in {} are complete",
                   static_cast<int>(g_interrupted), options.out_dir.string());
      return kExitSignalBase + g_interrupted;
    }
    return kExitOk;
  } catch (const scenario::RunStopped& e) {
    spdlog::error("{}", safe_message(std::string(args.scenario) + ": " + e.what()));
    return e.why() == scenario::RunStopped::Why::Signal ? kExitSignalBase + e.signal() : kExitLimit;
  } catch (const scenario::ScenarioError& e) {
    for (const auto& m : e.messages()) spdlog::error("{}", safe_message(m));
    return kExitInput;
  } catch (const Error& e) {
    spdlog::error("{}", safe_message(std::string(args.scenario) + ": " + e.what()));
    return kExitInput;
  } catch (const std::exception& e) {
    spdlog::critical("internal error (please report): {}", e.what());
    return kExitInternal;
  }
}

namespace {

enum class FileKind { Scenario, Sweep, Regression };

// A sweep names its `base` scenario (no scenario has that key); a regression case names
// `scenario` and `expect`.
// Anything else (including YAML the scenario loader will reject) is read as a scenario.
FileKind kind_of(const std::string& file) {
  try {
    const YAML::Node root = YAML::LoadFile(file);
    if (!root.IsMap()) return FileKind::Scenario;
    if (root["base"]) return FileKind::Sweep;
    if (root["scenario"] && root["expect"]) return FileKind::Regression;
  } catch (const std::exception&) {
    // The scenario loader reports unreadable or malformed files with their location.
  }
  return FileKind::Scenario;
}

// What `run` checks after loading, before simulating (issue 20: validate = run): the run is
// built (devices, execution model and its profile table, KV sizing and the fit of the model,
// the workload source with its trace opened and its first rows read) and stopped at its first
// event, without an output directory. Kinds without an event loop (moe, moe_offload) check
// their inputs while loading and run to the end here, writing nothing.
void check_like_run(const scenario::LoadedScenario& loaded) {
  scenario::RunOptions dry;  // no out_dir: nothing is written
  dry.limits.max_events = 1;
  try {
    (void)loaded.run(dry);
  } catch (const scenario::RunStopped& e) {
    if (e.why() != scenario::RunStopped::Why::MaxEvents) throw;
  }
}

// Runs `check`, printing each error; returns whether it passed. Located messages (which name
// their file) get `prefix`, others `error_prefix` (which should name the file), as `run` does.
bool report_errors(const std::string& prefix, const std::function<void()>& check,
                   const std::string& error_prefix) {
  try {
    check();
    return true;
  } catch (const scenario::ScenarioError& e) {
    for (const auto& m : e.messages()) spdlog::error("{}", safe_message(prefix + m));
  } catch (const Error& e) {
    spdlog::error("{}", safe_message(error_prefix + e.what()));
  }
  return false;
}
bool report_errors(const std::string& prefix, const std::function<void()>& check) {
  return report_errors(prefix, check, prefix);
}

bool validate_scenario(const std::string& file, const std::vector<std::string>& overrides,
                       const scenario::Catalogs& catalogs) {
  return report_errors(
      "", [&] { check_like_run(*scenario::load_any_scenario(file, overrides, catalogs)); },
      file + ": ");
}

// Every point's scenario, as `sweep` would run it.
bool validate_sweep(const std::string& file, const std::vector<std::string>& overrides,
                    const scenario::Catalogs& catalogs) {
  experiments::SweepSpec spec;
  experiments::SweepLoadOptions options;
  options.extra_overrides = overrides;
  options.check_base_exists = true;
  if (!report_errors("", [&] { spec = experiments::load_sweep_spec(file, options); }, file + ": "))
    return false;
  bool ok = true;
  for (const auto& p : spec.points)
    ok &= report_errors(file + ": point " + p.id + ": ", [&] {
      check_like_run(*scenario::load_any_scenario(spec.base.string(), p.overrides, catalogs));
    });
  return ok;
}

// The case's scenario with its `set:` overrides (then the command line's), as `regress` runs it.
bool validate_regression(const std::string& file, const std::vector<std::string>& overrides,
                         const scenario::Catalogs& catalogs) {
  experiments::RegressionCase c;
  if (!report_errors(file + ": ", [&] { c = experiments::load_regression_case(file); }))
    return false;
  std::vector<std::string> all = c.overrides;
  all.insert(all.end(), overrides.begin(), overrides.end());
  return report_errors(file + ": ", [&] {
    check_like_run(*scenario::load_any_scenario(c.scenario_path(), all, catalogs));
  });
}

}  // namespace

int validate_command(const std::vector<std::string>& files,
                     const std::vector<std::string>& overrides) {
  const scenario::Catalogs catalogs = scenario::build_catalogs();
  int failed = 0;
  for (const auto& file : files) {
    bool ok = false;
    switch (kind_of(file)) {
      case FileKind::Scenario: ok = validate_scenario(file, overrides, catalogs); break;
      case FileKind::Sweep: ok = validate_sweep(file, overrides, catalogs); break;
      case FileKind::Regression: ok = validate_regression(file, overrides, catalogs); break;
    }
    if (ok) std::cout << file << ": ok\n";
    else ++failed;
  }
  if (failed > 0) spdlog::error("{} of {} files invalid", failed, files.size());
  return failed == 0 ? kExitOk : kExitInput;
}

}  // namespace xpusim::cli
