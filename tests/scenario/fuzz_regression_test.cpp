// Replays the inputs that once broke the scenario loader (tests/fuzz_regressions/fuzz_scenario,
// found by hand or by `make fuzz`): each must load or fail with a clear ScenarioError/Error.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "xpusim/build_paths.hpp"
#include "xpusim/core/error.hpp"
#include "xpusim/scenario/system_kinds.hpp"

namespace xpusim::scenario {
namespace {

namespace fs = std::filesystem;

TEST(FuzzRegressions, EveryScenarioInputLoadsOrFailsCleanly) {
  const fs::path dir = fs::path(XPUSIM_SOURCE_DIR) / "tests" / "fuzz_regressions" / "fuzz_scenario";
  const Catalogs catalogs = build_catalogs();
  int replayed = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    SCOPED_TRACE(entry.path().filename().string());
    std::string outcome = "loaded";
    try {
      Diagnostics diag;
      load_any_scenario(YamlDocument::parse(text.str(), fs::path(XPUSIM_SOURCE_DIR) / "configs" / "f.yaml"),
                        diag, catalogs);
    } catch (const ScenarioError& e) {
      outcome = e.what();
    } catch (const InvariantError& e) {
      ADD_FAILURE() << "invariant broken: " << e.what();
    } catch (const Error& e) {
      outcome = e.what();
    }
    EXPECT_FALSE(outcome.empty());
    ++replayed;
  }
  EXPECT_GE(replayed, 3);
}

}  // namespace
}  // namespace xpusim::scenario
