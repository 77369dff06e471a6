// `xpusim diff A B`: compares two result folders (or a folder and a regression case's
// expectations) metric by metric; exit 1 only on an input error or with --fail-above.
#include <spdlog/spdlog.h>

#include <iostream>

#include "xpusim/cli/commands.hpp"
#include "xpusim/core/error.hpp"
#include "xpusim/core/excerpt.hpp"
#include "xpusim/experiments/summary_diff.hpp"
#include "xpusim/scenario/diagnostics.hpp"

namespace xpusim::cli {

namespace {
bool is_case(const std::string& path) {
  const auto ext = std::filesystem::path(path).extension();
  return ext == ".yaml" || ext == ".yml";
}
}  // namespace

int diff_command(const DiffArgs& args) {
  try {
    const auto a = experiments::load_metrics(args.a);
    const auto b = experiments::load_metrics(args.b);
    // A regression case lists a few key metrics: compare only those.
    const auto diffs = experiments::diff_metrics(a, b, is_case(args.a) || is_case(args.b));
    std::cout << "A: " << args.a << "\nB: " << args.b << "\n"
              << experiments::format_diff(diffs, args.all);
    if (args.fail_above_pct >= 0 && experiments::exceeds(diffs, args.fail_above_pct)) {
      std::cout << "some metric changed by more than " << args.fail_above_pct << "%\n";
      return kExitInput;
    }
    return kExitOk;
  } catch (const scenario::ScenarioError& e) {
    for (const auto& m : e.messages()) spdlog::error("{}", safe_message(m));
    return kExitInput;
  } catch (const Error& e) {
    spdlog::error("diff: {}", safe_message(e.what()));
    return kExitInput;
  } catch (const std::exception& e) {
    spdlog::critical("internal error (please report): {}", e.what());
    return kExitInternal;
  }
}

}  // namespace xpusim::cli
