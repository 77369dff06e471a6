// End to end: the moe system kind on the shipped scenarios, the papers' directions, errors.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "xpusim/build_paths.hpp"
#include "xpusim/scenario/system_kinds.hpp"

namespace xpusim::scenario {
namespace {

const std::string kDeepseek =
    std::string(XPUSIM_SOURCE_DIR) + "/configs/moe_deepseek_training.yaml";

nlohmann::json run(const std::string& path, std::vector<std::string> sets,
                   const std::filesystem::path& out = {}) {
  const Catalogs catalogs = build_catalogs();
  const auto loaded = load_any_scenario(path, sets, catalogs);
  RunOptions o;
  o.out_dir = out;
  return loaded->run(o).summary;
}

double throughput(const std::string& policy, bool replay) {
  const auto s = run(kDeepseek, {"placement.policy=" + policy,
                                 std::string("run.routing_replay=") + (replay ? "true" : "false")});
  return s["throughput"]["tokens_per_s"].get<double>();
}

// ReLibra: up to 1.6x over no balancing, 1.2x over EPLB even with oracle loads, near the
// ideal; MicroMoE: better than the same placement with an even token split. We assert the
// directions and generous lower bounds, not the papers' numbers (docs/reproductions/moe.md).
TEST(MoeScenario, PlacementPoliciesOrderAsThePapersReport) {
  const double st = throughput("static", false);
  const double eplb_history = throughput("eplb", false);
  const double eplb_oracle = throughput("eplb", true);
  const auto micromoe = [](const std::string& replicas) {
    return run(kDeepseek, {"placement.policy=micromoe", "placement.replicas=" + replicas,
                           "run.routing_replay=true"})["throughput"]["tokens_per_s"]
        .get<double>();
  };
  const double micromoe_oracle = micromoe("eplb");
  const double relibra = throughput("relibra", true);
  const auto s = run(kDeepseek, {"placement.policy=relibra", "run.routing_replay=true"});
  const double ideal = s["throughput"]["ideal_tokens_per_s"].get<double>();
  EXPECT_GT(eplb_history, st * 1.1);
  EXPECT_GT(eplb_oracle, eplb_history);            // oracle loads help EPLB
  EXPECT_GT(micromoe_oracle, eplb_oracle * 1.03);  // same layout, optimal token schedule
  EXPECT_GT(micromoe("microep"), micromoe_oracle);   // replicas placed for the schedule
  EXPECT_GT(relibra, st * 1.4);
  EXPECT_GT(relibra, eplb_oracle * 1.05);  // micro-batch replication beats batch-level
  EXPECT_LT(relibra, ideal);
  EXPECT_LT(s["imbalance"]["mean"].get<double>(), 1.4);
  EXPECT_GT(s["time_lost_to_imbalance_s"].get<double>(), 0);
}

// EPLB's default mode follows deepseek-ai/EPLB: DeepSeek-V2-Lite has no expert groups
// (n_group 1), which 2 nodes do not divide, so the default is the global policy; a model with
// 2 groups gets the hierarchical one, whose replicas stay inside nodes (fewer network copies).
TEST(MoeScenario, EplbDefaultModeFollowsTheModelsGroups) {
  auto summary = [](std::vector<std::string> sets) {
    sets.push_back("placement.policy=eplb");
    sets.push_back("run.steps=3");
    return run(kDeepseek, sets);
  };
  const auto by_default = summary({});
  const auto global = summary({"placement.mode=global"});
  const auto grouped = summary({"model.expert_groups=2"});
  const auto hier = summary({"placement.mode=hierarchical", "placement.groups=2"});
  EXPECT_EQ(by_default["throughput"], global["throughput"]);
  EXPECT_EQ(grouped["throughput"], hier["throughput"]);
  EXPECT_NE(by_default["throughput"], grouped["throughput"]);
  EXPECT_LT(hier["weight_moves"]["exposed_time_s"].get<double>(),
            global["weight_moves"]["exposed_time_s"].get<double>());
}

// ReLibra's gap to the ideal (docs/reproductions/moe.md): the even token split over replicas
// and the exposed per-micro-batch copies. With the exact split, 3 spare slots per GPU and
// 65,536-token micro-batches (copies amortised over 4x the compute) it comes within 10 % of
// the ideal balanced run, the paper's 6-10 %; with the even split it does not.
TEST(MoeScenario, RelibraComesWithinTenPercentOfIdealInThePapersRegime) {
  const std::vector<std::string> regime{"run.steps=4", "run.tokens_per_micro_batch=65536",
                                        "cluster.redundant_experts=48", "routing.skew=0.4"};
  auto fraction = [&](const std::string& split) {
    auto sets = regime;
    sets.push_back("placement.token_split=" + split);
    return run(kDeepseek, sets)["throughput"]["fraction_of_ideal"].get<double>();
  };
  const double exact = fraction("min_max");
  EXPECT_GE(exact, 0.90);
  EXPECT_LT(exact, 1.0);
  EXPECT_LT(fraction("even"), 0.90);
}

TEST(MoeScenario, SummaryCarriesScenarioSeedAndFiles) {
  const auto dir = std::filesystem::temp_directory_path() / "xpusim-moe-files";
  std::filesystem::remove_all(dir);
  const auto s = run(kDeepseek, {"run.steps=2"}, dir);
  EXPECT_EQ(s["seed"], 1);
  EXPECT_EQ(s["scenario"]["scenario"]["system"], "moe");
  EXPECT_EQ(s["scenario"]["placement"]["policy"], "relibra");
  EXPECT_EQ(s["steps"], 2);
  EXPECT_EQ(s["imbalance"]["per_layer_mean"].size(), 26u);  // DeepSeek-V2-Lite: 27 - 1 dense
  for (const char* f : {"summary.json", "steps.csv", "layers.csv"})
    EXPECT_TRUE(std::filesystem::exists(dir / f)) << f;
  std::filesystem::remove_all(dir);
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(MoeScenario, SameSeedSameBytes) {
  const auto a = std::filesystem::temp_directory_path() / "xpusim-moe-a";
  const auto b = std::filesystem::temp_directory_path() / "xpusim-moe-b";
  run(kDeepseek, {"run.steps=2", "placement.policy=micromoe"}, a);
  run(kDeepseek, {"run.steps=2", "placement.policy=micromoe"}, b);
  for (const char* f : {"summary.json", "steps.csv", "layers.csv"})
    EXPECT_EQ(slurp(a / f), slurp(b / f)) << f;
  const auto c = run(kDeepseek, {"run.steps=2", "placement.policy=micromoe", "seed=2"});
  EXPECT_NE(
      c["throughput"]["tokens_per_s"],
      run(kDeepseek, {"run.steps=2", "placement.policy=micromoe"})["throughput"]["tokens_per_s"]);
  std::filesystem::remove_all(a);
  std::filesystem::remove_all(b);
}

TEST(MoeScenario, HorizonStopsSimulatedTime) {
  const auto all = run(kDeepseek, {});
  const auto cut = run(kDeepseek, {"horizon_s=1"});
  EXPECT_EQ(all["steps"], 8);
  EXPECT_LT(cut["steps"].get<int>(), 8);
  EXPECT_GE(cut["simulated_s"].get<double>(), 1.0);
}

std::string load_error(const std::string& yaml) {
  const Catalogs catalogs = build_catalogs();
  Diagnostics diag;
  const auto doc = YamlDocument::parse(yaml, "m.yaml");
  try {
    load_any_scenario(doc, diag, catalogs);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "";
}

TEST(MoeScenario, BadInputNamesFileLineAndKey) {
  const std::string head = "system: moe\nhardware: {preset: h100-sxm}\n";
  EXPECT_NE(load_error(head + "model: {preset: llama-3-8b}\n").find("key 'model.num_experts'"),
            std::string::npos);
  const std::string mixtral = head + "model: {preset: mixtral-8x7b}\n";
  const std::string e1 = load_error(mixtral + "cluster: {nodes: 1, gpus_per_node: 3}\n");
  EXPECT_NE(e1.find("m.yaml:4:10: key 'cluster.redundant_experts'"), std::string::npos) << e1;
  const std::string e2 = load_error(mixtral + "routing: {source: trace}\n");
  EXPECT_NE(e2.find("key 'routing.path': required when source is trace"), std::string::npos) << e2;
  const std::string e3 = load_error(mixtral + "placement: {policy: lru}\n");
  EXPECT_NE(e3.find("unknown expert placement policy 'lru'"), std::string::npos) << e3;
  const std::string e4 = load_error(mixtral +
                                    "cluster: {nodes: 1, gpus_per_node: 16, redundant_experts: "
                                    "8}\nplacement: {policy: relibra}\n");
  EXPECT_NE(e4.find("key 'placement.policy': relibra: the 8 experts must split evenly"),
            std::string::npos)
      << e4;
  const std::string e6 = load_error(mixtral + "routing: {source: trace, path: no-such-routing.csv}\n");
  EXPECT_NE(e6.find("key 'routing.path': "), std::string::npos) << e6;
  EXPECT_NE(e6.find("no-such-routing.csv: cannot open trace file"), std::string::npos) << e6;
  const std::string e5 = load_error(mixtral + "run: {steps: 0, bogus: 1}\n");
  EXPECT_NE(e5.find("run.steps"), std::string::npos) << e5;
  EXPECT_NE(e5.find("run.bogus"), std::string::npos) << e5;
}

const std::string kOffload = std::string(XPUSIM_SOURCE_DIR) + "/configs/moe_offload_deepseek.yaml";

double offload_speed(const std::string& policy, int cache, const std::string& phase = "decode") {
  const auto s =
      run(kOffload, {"offload.policy=" + policy, "cache.experts_per_layer=" + std::to_string(cache),
                     "run.phase=" + phase,
                     std::string("run.tokens_per_iteration=") + (phase == "decode" ? "1" : "512")});
  return s["throughput"]["tokens_per_s"].get<double>();
}

// HybriMoE: 1.70x decode over the hybrid baseline, gains largest with small caches; a bigger
// cache helps fetch-on-demand.
TEST(MoeOffloadScenario, HybriMoeBeatsFetchOnDemandMostWithSmallCaches) {
  const double fod8 = offload_speed("fetch_on_demand", 8),
               fod48 = offload_speed("fetch_on_demand", 48);
  const double hy8 = offload_speed("hybrimoe", 8), hy48 = offload_speed("hybrimoe", 48);
  EXPECT_GT(fod48, fod8 * 1.5);
  EXPECT_GT(hy8, fod8 * 1.3);
  EXPECT_GT(hy48, fod48);
  EXPECT_GT(hy8 / fod8, hy48 / fod48);
  // As coded, prefill sends every expert to the GPU: no gain over fetch-on-demand.
  EXPECT_NEAR(
      offload_speed("hybrimoe", 16, "prefill") / offload_speed("fetch_on_demand", 16, "prefill"),
      1.0, 0.02);
}

// BuddyMoE (refs B.5; paper: about 10 % more throughput at 75 % of the experts resident on
// DeepSeek-V2-Lite, for a small accuracy loss) against its own baseline, fetch-on-demand behind
// the same next-layer prefetcher, on configs/moe_offload_buddy.yaml (decode of one sequence,
// co-activation routing): faster at 48 of 64 experts cached and at 16;
// the substituted routing mass stays a minority, and weighing it by buddy similarity lowers it
// (buddies are co-activated experts).
const std::string kBuddy = std::string(XPUSIM_SOURCE_DIR) + "/configs/moe_offload_buddy.yaml";

nlohmann::json buddy_run(const std::string& policy, int cache) {
  return run(kBuddy, {"offload.policy=" + policy, "cache.experts_per_layer=" + std::to_string(cache)});
}

double speed_of(const nlohmann::json& s) { return s["throughput"]["tokens_per_s"].get<double>(); }

TEST(MoeOffloadScenario, BuddyMoeBeatsFetchOnDemandBehindTheSamePrefetcher) {
  const auto base48 = buddy_run("fetch_on_demand", 48), buddy48 = buddy_run("buddy", 48);
  const auto base16 = buddy_run("fetch_on_demand", 16), buddy16 = buddy_run("buddy", 16);
  EXPECT_GT(speed_of(buddy48), speed_of(base48) * 1.05);  // measured 1.12x
  EXPECT_GT(speed_of(buddy16), speed_of(base16));          // measured 1.06x
  // Same prefetcher: the baseline prefetches too, and substitutes nothing.
  EXPECT_GT(base48["experts"]["prefetched"].get<double>(), 0);
  EXPECT_EQ(base48["quality_loss"]["substituted_mass_share"].get<double>(), 0.0);
  const auto& q = buddy48["quality_loss"];
  const double mass = q["substituted_mass_share"].get<double>();
  EXPECT_GT(mass, 0.0);
  EXPECT_LT(mass, 0.5);
  EXPECT_LT(q["similarity_weighted_loss"].get<double>(), mass);
  // Fewer demand fetches is where the time goes.
  EXPECT_LT(buddy48["experts"]["fetched_on_demand"].get<double>(),
            base48["experts"]["fetched_on_demand"].get<double>());
}

TEST(MoeOffloadScenario, SameSeedSameBytes) {
  const auto a = std::filesystem::temp_directory_path() / "xpusim-moe-off-a";
  const auto b = std::filesystem::temp_directory_path() / "xpusim-moe-off-b";
  run(kOffload, {"run.iterations=16"}, a);
  run(kOffload, {"run.iterations=16"}, b);
  for (const char* f : {"summary.json", "iterations.csv"})
    EXPECT_EQ(slurp(a / f), slurp(b / f)) << f;
  const auto cut = run(kOffload, {"horizon_s=0.05"});
  EXPECT_LT(cut["iterations"].get<int>(), 64);
  std::filesystem::remove_all(a);
  std::filesystem::remove_all(b);
}

TEST(MoeOffloadScenario, CacheLargerThanTheExpertsIsAnError) {
  const std::string e = load_error(
      "system: moe_offload\nhardware: {preset: l4}\nmodel: {preset: mixtral-8x7b}\n"
      "cache: {experts_per_layer: 9}\n");
  EXPECT_NE(e.find("m.yaml:4:8: key 'cache.experts_per_layer': is 9 but the model has only 8"),
            std::string::npos)
      << e;
}

// HybriMoE against the kTransformers-style static hybrid (hot experts pinned, misses on the
// CPU), both starting from the profiled hottest experts: the profile pins a better set than the
// lowest-numbered experts; in prefill the paper's CPU/GPU split with fetching beats the static
// mapping (paper: 1.33x; here the CPU takes the cold experts while PCIe brings others in).
TEST(MoeOffloadScenario, HybriMoeBeatsTheStaticHybridInPrefill) {
  auto summary = [](std::vector<std::string> sets) {
    sets.push_back("run.iterations=8");
    sets.push_back("cache.experts_per_layer=16");
    return run(kOffload, sets);
  };
  const auto pinned_profiled =
      summary({"offload.policy=static_hybrid", "cache.warm_start=profiled"});
  const auto pinned_lowest = summary({"offload.policy=static_hybrid"});
  EXPECT_GT(pinned_profiled["experts"]["cache_hit_rate"].get<double>(),
            pinned_lowest["experts"]["cache_hit_rate"].get<double>());
  EXPECT_EQ(pinned_profiled["experts"]["fetched_on_demand"].get<double>(), 0);
  const std::vector<std::string> prefill{"run.phase=prefill", "run.tokens_per_iteration=512",
                                         "cache.warm_start=profiled"};
  auto with = [&](std::vector<std::string> extra) {
    extra.insert(extra.end(), prefill.begin(), prefill.end());
    return summary(extra)["throughput"]["tokens_per_s"].get<double>();
  };
  const double baseline = with({"offload.policy=static_hybrid"});
  EXPECT_GT(with({"offload.policy=hybrimoe", "offload.hss_in_prefill=true"}), 1.33 * baseline);
}

}  // namespace
}  // namespace xpusim::scenario
