// `xpusim run -m SCENARIO --set KEY=a,b,c`: a small grid without a sweep file. The comma lists
// become the axes of an in-memory sweep over SCENARIO, run by the sweep machinery (one child
// process per point, points/<id>/ named by the sweep's deterministic point ids, results.csv).
#include <yaml-cpp/yaml.h>
#include <spdlog/spdlog.h>

#include <iostream>
#include <thread>

#include "xpusim/cli/commands.hpp"
#include "xpusim/cli/point_processes.hpp"
#include "xpusim/cli/sweep_output.hpp"
#include "xpusim/core/error.hpp"
#include "xpusim/core/excerpt.hpp"
#include "xpusim/experiments/sweep_spec.hpp"

namespace xpusim::cli {

namespace fs = std::filesystem;

std::vector<std::string> split_grid_values(const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos) return {assignment};
  const std::string key = assignment.substr(0, eq + 1);
  std::vector<std::string> out;
  int depth = 0;
  char quote = 0;
  std::string current;
  for (std::size_t i = eq + 1; i < assignment.size(); ++i) {
    const char c = assignment[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    } else if (c == ',' && depth == 0) {
      out.push_back(key + current);
      current.clear();
      continue;
    }
    current += c;
  }
  out.push_back(key + current);
  return out;
}

namespace {

// The in-memory sweep: base = the scenario, one axis per comma list (in command-line order),
// every other override (and --unset) applied to each point first.
experiments::SweepSpec grid_spec(const RunArgs& args) {
  YAML::Node root(YAML::NodeType::Map);
  root["base"] = fs::absolute(args.scenario).lexically_normal().string();
  YAML::Node axes(YAML::NodeType::Map);
  std::vector<std::string> fixed;
  for (const auto& key : args.unsets) fixed.push_back("~" + key);
  for (const auto& o : args.overrides) {
    const auto values = split_grid_values(o);
    if (values.size() == 1) {
      fixed.push_back(o);
      continue;
    }
    const std::string key = o.substr(0, o.find('='));
    if (axes[key]) throw Error("--set " + key + ": given twice as a list; give one list per key");
    YAML::Node list(YAML::NodeType::Sequence);
    for (const auto& v : values) {
      const std::string text = v.substr(key.size() + 1);
      if (text.empty()) throw Error("--set " + o + ": an empty value in the list");
      try {
        list.push_back(YAML::Load(text));
      } catch (const YAML::Exception& e) {
        throw Error("--set " + o + ": '" + text + "' is not valid YAML: " + e.msg);
      }
    }
    axes[key] = list;
  }
  root["axes"] = axes;
  YAML::Emitter text;
  text << root;
  experiments::SweepLoadOptions load;
  load.extra_overrides = fixed;
  load.check_base_exists = true;
  return experiments::parse_sweep_spec(text.c_str(), fs::path(args.scenario).parent_path() / "grid",
                                       load);
}

}  // namespace

int grid_run_command(const RunArgs& args) {
  const auto start = std::chrono::system_clock::now();
  try {
    if (args.timeline || args.max_events > 0 || args.max_wall_s > 0 || args.requests_csv != "all")
      throw Error("--timeline, --max-events, --max-wall-s and --requests-csv apply to one run, "
                  "not to a grid (-m); use a sweep file for those");
    const experiments::SweepSpec spec = grid_spec(args);
    const auto out = choose_out_dir(args, fs::path(args.scenario).stem().string(), start);
    if (!out) return kExitUsage;
    fs::create_directories(*out / "points");
    write_manifest(*out, spec, "");
    const unsigned cores = std::thread::hardware_concurrency();
    const int jobs = args.jobs > 0 ? args.jobs : cores == 0 ? 1 : static_cast<int>(cores);
    spdlog::info("grid of {} points (-j {})", spec.points.size(), jobs);
    std::size_t done = 0;
    // --force reruns every point; a fresh folder has none to skip.
    run_point_processes(spec.base, spec.points, *out / "points", jobs,
                        [&](const experiments::SweepPoint& p, bool ok) {
                          ++done;
                          if (args.quiet && ok) return;
                          // Progress line, written directly (not a levelled diagnostic).
                          std::cerr << "[" << done << "/" << spec.points.size() << "] " << p.id
                                    << ": " << (ok ? "ok" : "FAILED") << "\n";
                        });
    const int rc = write_results(*out, spec.param_keys, spec.points, args.quiet);
    // The results line, written directly as in `run` (see run_command.cpp).
    if (!args.quiet) std::cerr << "results: " << safe_message(out->string()) << "\n";
    return rc;
  } catch (const scenario::ScenarioError& e) {
    for (const auto& m : e.messages()) spdlog::error("{}", safe_message(m));
    return kExitInput;
  } catch (const Error& e) {
    spdlog::error("{}", safe_message(e.what()));
    return kExitInput;
  } catch (const fs::filesystem_error& e) {
    spdlog::error("{}", safe_message(e.what()));
    return kExitInput;
  }
}

}  // namespace xpusim::cli
