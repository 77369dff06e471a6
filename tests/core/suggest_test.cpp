#include "xpusim/core/suggest.hpp"

#include <gtest/gtest.h>

namespace xpusim {
namespace {

TEST(Suggest, EditDistanceCountsInsertionsDeletionsAndSubstitutionsIgnoringCase) {
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3U);  // the textbook example
  EXPECT_EQ(edit_distance("", "abc"), 3U);
  EXPECT_EQ(edit_distance("vLLM", "vllm"), 0U);
  EXPECT_EQ(edit_distance("rate_per_sec", "rate_per_s"), 2U);
}

TEST(Suggest, ACaseInsensitiveMatchOrANearNameIsSuggested) {
  const std::vector<std::string> policies = {"layered_prefill", "orca", "sarathi", "vllm"};
  EXPECT_EQ(closest_name("vLLM", policies), "vllm");
  EXPECT_EQ(closest_name("sarati", policies), "sarathi");
  EXPECT_EQ(did_you_mean("rate_per_sec", {"rate", "rate_per_s", "num_requests"}),
            "; did you mean 'rate_per_s'?");
}

TEST(Suggest, NothingFarOrIdenticalIsSuggested) {
  EXPECT_EQ(closest_name("banana", {"vllm", "orca"}), "");
  EXPECT_EQ(closest_name("ab", {"xy"}), "");  // 2 edits in a 2-letter name is not "near"
  EXPECT_EQ(did_you_mean("vllm", {"vllm"}), "");
  EXPECT_EQ(did_you_mean("", {"a"}), "");
}

}  // namespace
}  // namespace xpusim
