// Sweep files: grid expansion, explicit points, seeds, ids, shards and error locations.
#include "xpusim/experiments/sweep_spec.hpp"

#include <gtest/gtest.h>

#include <set>

#include "xpusim/scenario/section_reader.hpp"
#include "xpusim/scenario/yaml_document.hpp"

namespace xpusim::experiments {

// The scenario layer's YAML reading and error reporting, used by every experiments file.
using scenario::convert_scalar;
using scenario::Diagnostics;
using scenario::Location;
using scenario::ScenarioError;
using scenario::SectionReader;
using scenario::YamlDocument;
namespace {

SweepSpec parse(const std::string& text, SweepLoadOptions options = {}) {
  return parse_sweep_spec(text, "sweeps/s.yaml", options);
}

std::vector<std::string> errors_of(const std::string& text) {
  try {
    parse(text);
  } catch (const ScenarioError& e) {
    return e.messages();
  }
  return {};
}

const char* kGrid = R"(base: ../quick.yaml
axes:
  batching.policy: [vllm, sarathi, orca]
  workload.rate_per_s: [2, 4.5]
seeds: [1, 7]
set: {horizon_s: 60}
reduced: {horizon_s: 5}
)";

TEST(SweepSpec, GridIsAxesTimesSeedsFirstAxisSlowest) {
  const SweepSpec s = parse(kGrid);
  EXPECT_EQ(s.base, std::filesystem::path("sweeps/../quick.yaml"));
  ASSERT_EQ(s.points.size(), 3u * 2u * 2u);
  EXPECT_EQ(s.param_keys, (std::vector<std::string>{"batching.policy", "workload.rate_per_s"}));
  // Policy vllm (0), rate 4.5 (1), seed 7 (1): index 0*4 + 1*2 + 1 = 3.
  const SweepPoint& p = s.points[3];
  EXPECT_EQ(p.index, 3u);
  EXPECT_EQ(p.params, (std::vector<std::pair<std::string, std::string>>{
                          {"batching.policy", "vllm"}, {"workload.rate_per_s", "4.5"}}));
  EXPECT_EQ(p.seed, 7u);
  // The file's `set:` first, then the point's parameters, then its seed.
  EXPECT_EQ(p.overrides, (std::vector<std::string>{"horizon_s=60", "batching.policy=vllm",
                                                   "workload.rate_per_s=4.5", "seed=7"}));
  EXPECT_EQ(s.points.back().params[0].second, "orca");
  EXPECT_EQ(s.points.back().seed, 7u);
}

TEST(SweepSpec, ReducedOverridesApplyOnlyWhenAskedAndCommandLineComesLast) {
  EXPECT_EQ(parse(kGrid).common_overrides, (std::vector<std::string>{"horizon_s=60"}));
  SweepLoadOptions o;
  o.reduced = true;
  o.extra_overrides = {"workload.num_requests=10"};
  EXPECT_EQ(parse(kGrid, o).common_overrides,
            (std::vector<std::string>{"horizon_s=60", "horizon_s=5", "workload.num_requests=10"}));
}

TEST(SweepSpec, IdsAreUniqueStableAndChangeWithAnyOverride) {
  const SweepSpec a = parse(kGrid), b = parse(kGrid);
  std::set<std::string> ids;
  for (std::size_t i = 0; i < a.points.size(); ++i) {
    EXPECT_EQ(a.points[i].id, b.points[i].id);
    ids.insert(a.points[i].id);
  }
  EXPECT_EQ(ids.size(), a.points.size());
  EXPECT_EQ(a.points[3].id.rfind("policy-vllm_rate_per_s-4.5_seed-7-", 0), 0u) << a.points[3].id;
  // A changed common override must not reuse the old directories (resume would mix results).
  SweepLoadOptions reduced;
  reduced.reduced = true;
  EXPECT_NE(parse(kGrid, reduced).points[3].id, a.points[3].id);
}

TEST(SweepSpec, ExplicitPointsFollowTheGridWithTheUnionOfKeys) {
  const SweepSpec s = parse(R"(base: q.yaml
axes: {batching.policy: [vllm, orca]}
points:
  - {batching.policy: sarathi, batching.chunk_size: 256}
  - {workload.rate_per_s: 3}
)");
  ASSERT_EQ(s.points.size(), 4u);
  EXPECT_EQ(s.param_keys, (std::vector<std::string>{"batching.policy", "batching.chunk_size",
                                                    "workload.rate_per_s"}));
  EXPECT_EQ(s.points[2].overrides,
            (std::vector<std::string>{"batching.policy=sarathi", "batching.chunk_size=256"}));
  EXPECT_FALSE(s.points[2].seed.has_value());
  EXPECT_EQ(s.points[3].params.size(), 1u);
}

TEST(SweepSpec, ErrorsNameFileLineColumnAndKey) {
  const auto e = errors_of(R"(base: q.yaml
axes:
  batching.policy: vllm
seeds: [1, -2]
colour: red
)");
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0],
            "sweeps/s.yaml:5:1: key 'colour': unknown sweep key (expected one of: base, "
            "description, axes, points, seeds, set, reduced)");
  EXPECT_EQ(e[1],
            "sweeps/s.yaml:3:20: key 'axes.batching.policy': expected a non-empty list of values");
  EXPECT_EQ(e[2], "sweeps/s.yaml:4:12: key 'seeds': expected an integer >= 0, got '-2'");
  const auto missing = errors_of("seeds: [1]\n");
  ASSERT_EQ(missing.size(), 2u);
  EXPECT_NE(missing[0].find("key 'base': missing required key"), std::string::npos) << missing[0];
  EXPECT_NE(missing[1].find("a sweep needs 'axes'"), std::string::npos) << missing[1];
  const auto dup = errors_of("base: q.yaml\npoints: [{a.b: 1}, {a.b: 1}]\n");
  ASSERT_EQ(dup.size(), 1u);
  EXPECT_NE(dup[0].find("repeats point 0"), std::string::npos) << dup[0];
}

TEST(SweepSpec, ShardsPartitionThePointsByIndex) {
  const SweepSpec s = parse(kGrid);
  std::multiset<std::size_t> seen;
  for (std::size_t shard = 0; shard < 5; ++shard)
    for (const auto& p : shard_points(s.points, shard, 5)) {
      EXPECT_EQ(p.index % 5, shard);
      seen.insert(p.index);
    }
  EXPECT_EQ(seen.size(), s.points.size());
  EXPECT_EQ(std::set<std::size_t>(seen.begin(), seen.end()).size(), s.points.size());
  std::size_t i = 0, n = 0;
  EXPECT_TRUE(parse_shard("3/4", i, n));
  EXPECT_EQ(i, 3u);
  EXPECT_EQ(n, 4u);
  for (const char* bad : {"4/4", "1/0", "a/2", "1", "/2", "1/", "-1/2", "1/2/3"})
    EXPECT_FALSE(parse_shard(bad, i, n)) << bad;
}

TEST(SweepSpec, ManifestRoundTrips) {
  const SweepSpec s = parse(kGrid);
  const SweepSpec r = spec_from_manifest(sweep_manifest(s));
  EXPECT_EQ(r.base, s.base);
  EXPECT_EQ(r.param_keys, s.param_keys);
  ASSERT_EQ(r.points.size(), s.points.size());
  for (std::size_t i = 0; i < s.points.size(); ++i) {
    EXPECT_EQ(r.points[i].id, s.points[i].id);
    EXPECT_EQ(r.points[i].params, s.points[i].params);
    EXPECT_EQ(r.points[i].seed, s.points[i].seed);
    EXPECT_EQ(r.points[i].overrides, s.points[i].overrides);
  }
}

}  // namespace
}  // namespace xpusim::experiments
