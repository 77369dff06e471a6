// `xpusim regress`: runs the regression cases and compares key metrics with their committed
// expectations (old vs new on failure); `--update` rewrites the expectations.
#include <chrono>
#include <spdlog/spdlog.h>

#include <iostream>
#include <sstream>

#include "xpusim/cli/commands.hpp"
#include "xpusim/core/error.hpp"
#include "xpusim/core/excerpt.hpp"
#include "xpusim/report/atomic_file.hpp"
#include "xpusim/report/junit_report.hpp"
#include "xpusim/experiments/regression_case.hpp"
#include "xpusim/scenario/system_kinds.hpp"

namespace xpusim::cli {

namespace {

std::vector<std::filesystem::path> case_files(const std::vector<std::string>& paths) {
  std::vector<std::filesystem::path> out;
  for (const auto& p : paths.empty() ? std::vector<std::string>{"tests/regression"} : paths) {
    if (std::filesystem::is_directory(p)) {
      const auto files = experiments::regression_case_files(p);
      if (files.empty()) throw Error(p + ": no regression cases (*.yaml) here");
      out.insert(out.end(), files.begin(), files.end());
    } else {
      out.emplace_back(p);
    }
  }
  return out;
}

// Runs one case; returns true when every metric is within tolerance (or was updated). The
// metrics out of tolerance are appended to `failures`.
bool regress_case(const std::filesystem::path& file, const RegressArgs& args,
                  const scenario::Catalogs& catalogs, std::string& failures) {
  const experiments::RegressionCase c = experiments::load_regression_case(file);
  std::vector<std::string> overrides = c.overrides;
  overrides.insert(overrides.end(), args.overrides.begin(), args.overrides.end());
  const auto loaded = scenario::load_any_scenario(c.scenario_path(), overrides, catalogs);
  const nlohmann::json summary = loaded->run({}).summary;
  const auto checks = experiments::check_summary(c, summary);
  bool ok = true;
  for (const auto& m : checks) ok = ok && m.ok;
  if (args.update) {
    if (!ok) {
      report::AtomicFile f(file);
      f.stream() << experiments::updated_case_text(c, summary);
      f.commit();
      std::cout << "updated " << file.string() << " (old vs new):\n"
                << experiments::describe_checks(checks, true);
    } else {
      std::cout << "unchanged " << file.string() << "\n";
    }
    return true;
  }
  std::cout << (ok ? "ok   " : "FAIL ") << file.string() << "\n";
  if (!ok) {
    failures = experiments::describe_checks(checks, true);
    std::cout << failures;
  }
  return ok;
}

}  // namespace

int regress_command(const RegressArgs& args) {
  try {
    const scenario::Catalogs catalogs = scenario::build_catalogs();
    const auto files = case_files(args.paths);
    std::size_t failed = 0;
    std::vector<report::JUnitCase> junit;
    for (const auto& f : files) {
      report::JUnitCase& jc = junit.emplace_back();
      jc.name = f.string();
      const auto start = std::chrono::steady_clock::now();
      try {
        if (!regress_case(f, args, catalogs, jc.details)) {
          ++failed;
          jc.failed = true;
          jc.message = "metrics out of tolerance";
        }
      } catch (const scenario::ScenarioError& e) {
        ++failed;
        std::cout << "FAIL " << f.string() << "\n";
        jc.error = true;
        for (const auto& m : e.messages()) {
          spdlog::error("{}", safe_message(m));
          jc.details += safe_message(m) + "\n";
        }
        jc.message = e.messages().empty() ? "invalid case" : safe_message(e.messages().front());
      } catch (const Error& e) {
        ++failed;
        std::cout << "FAIL " << f.string() << "\n";
        jc.error = true;
        jc.message = safe_message(std::string(f.string()) + ": " + e.what());
        jc.details = jc.message;
        spdlog::error("{}", jc.message);
      }
      jc.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    if (!args.junit.empty()) {
      report::AtomicFile out(args.junit);
      report::write_junit(out.stream(), "xpusim regress", junit);
      out.commit();
    }
    if (failed > 0)
      std::cout << failed << " of " << files.size() << " regression cases failed; if the change "
                << "is deliberate, run `xpusim regress --update` and say why in CHANGELOG.md\n";
    else if (!args.update)
      std::cout << files.size() << " regression cases within tolerance\n";
    return failed == 0 ? kExitOk : kExitInput;
  } catch (const Error& e) {
    spdlog::error("regress: {}", e.what());
    return kExitInput;
  } catch (const std::filesystem::filesystem_error& e) {
    spdlog::error("regress: {}", e.what());
    return kExitInput;
  } catch (const std::exception& e) {
    spdlog::critical("internal error (please report): {}", e.what());
    return kExitInternal;
  }
}

}  // namespace xpusim::cli
