// docs/reference.md is generated from `xpusim list`; this keeps the two from drifting apart.
#include <gtest/gtest.h>
#include <unistd.h>

#include "cli_test_support.hpp"

namespace xpusim::cli {
namespace {

TEST(ReferenceDoc, MatchesTheDeclarationsTheLoaderUses) {
  const auto scratch = std::filesystem::temp_directory_path() / ("xpusim_ref_" + std::to_string(::getpid()));
  const auto listed = testing::run_xpusim("list", scratch);
  std::filesystem::remove_all(scratch);
  ASSERT_EQ(listed.exit_code, 0);
  const std::string doc = testing::slurp("docs/reference.md");
  const auto begin = doc.find("```\n");
  const auto end = doc.rfind("```");
  ASSERT_NE(begin, std::string::npos);
  ASSERT_LT(begin, end);
  EXPECT_EQ(doc.substr(begin + 4, end - begin - 4), listed.out)
      << "docs/reference.md is stale: run scripts/gen-reference.sh";
}

}  // namespace
}  // namespace xpusim::cli
