// ProfileTableModel: composition of table and roofline, parameters, and the synthetic example
// table (configs/profiles/, generated from the roofline formulas by scripts/gen_profile_table.py).
#include "xpusim/model/profile_table_model.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "model/presets.hpp"
#include "xpusim/core/error.hpp"

namespace xpusim::model {
namespace {

using testing::load_device;
using testing::load_model;

const char* kExampleTable = "profiles/example_h100_llama3_8b.csv";  // relative to configs/

Params params(std::map<std::string, ParamValue> given) {
  return resolve_params(profile_table_binding().schema(), given);
}

// As the scenario's factory builds it: bound, the table resolved against the scenario folder.
ProfileTableConfig config_of(const Params& p, const std::filesystem::path& base_dir) {
  ProfileTableConfig c = profile_table_binding().bind(p);
  c.table = base_dir / c.table;
  return c;
}

ProfileTableModel example(const std::string& model, int tp, bool extrapolate = false) {
  const auto config = config_of(
      params({{"table", std::string(kExampleTable)}, {"extrapolate", extrapolate}}), "configs");
  return ProfileTableModel(load_model(model), Placement{load_device("h100-sxm"), tp, 0, 0}, config);
}

RooflineModel roofline(int tp) {
  return RooflineModel(load_model("llama-3-8b"), Placement{load_device("h100-sxm"), tp, 0, 0}, {});
}

BatchShape batch(std::int64_t decode, std::int64_t context_each, std::int64_t prefill_len,
                 double layer_fraction = 1.0) {
  BatchShape b;
  b.decode_seqs = decode;
  b.decode_context_sum = decode * context_each;
  if (prefill_len > 0) {
    b.prefill_seqs = 1;
    b.prefill_tokens = prefill_len;
    b.prefill_attention_pairs = double(prefill_len) * (prefill_len + 1) / 2.0;
  }
  b.prefill_layer_fraction = layer_fraction;
  return b;
}

TEST(ProfileTableModel, SchemaDeclaresTableKnobsAndEveryRooflineFactor) {
  const ParamSchema s = profile_table_binding().schema();
  ASSERT_NE(s.find("table"), nullptr);
  EXPECT_FALSE(s.find("table")->default_value.has_value());  // required
  ASSERT_NE(s.find("statistic"), nullptr);
  EXPECT_EQ(s.find("statistic")->choices, (std::vector<std::string>{"median", "mean", "min"}));
  ASSERT_NE(s.find("extrapolate"), nullptr);
  const ParamSchema factors = roofline_binding().schema();
  for (const auto& d : factors.decls()) EXPECT_NE(s.find(d.name), nullptr) << d.name;
  EXPECT_THROW(params({}), ParamError);
}

TEST(ProfileTableModel, RelativeTablePathsResolveAgainstTheScenarioFolder) {
  const auto rel = config_of(
      params({{"table", std::string("p/t.csv")}, {"statistic", std::string("min")}}), "/s/dir");
  EXPECT_EQ(rel.table, std::filesystem::path("/s/dir/p/t.csv"));
  EXPECT_EQ(rel.statistic, ProfileStatistic::Min);
  EXPECT_FALSE(rel.extrapolate);
  const auto abs = config_of(
      params({{"table", std::string("/abs/t.csv")}, {"prefill_mfu", 0.5}}), "/s/dir");
  EXPECT_EQ(abs.table, std::filesystem::path("/abs/t.csv"));
  EXPECT_EQ(abs.roofline.prefill_mfu, 0.5);
}

// The example table holds the roofline's own operator times, so at a table point the profile
// model must give the roofline's iteration: this checks that attention, LM head, all-reduce and
// overheads are composed exactly as the roofline does. The table's 6 significant digits bound
// the difference (1e-4 relative).
TEST(ProfileTableModel, ExampleTableReproducesTheRooflineAtTablePoints) {
  for (int tp : {1, 2}) {
    const auto table_model = example("llama-3-8b", tp);
    const auto reference = roofline(tp);
    // decode 64 (a decode-MFU point), prefill 512 and a mixed 64 + 448 (prefill-MFU points),
    // a layered-prefill iteration whose two layer groups hit points 512 and 64.
    for (const BatchShape& b : {batch(64, 700, 0), batch(0, 0, 512), batch(64, 700, 448),
                                batch(64, 700, 448, 0.25), batch(1, 100, 0)}) {
      const IterationCost got = table_model.estimate(b), want = reference.estimate(b);
      EXPECT_NEAR(double(got.time_ns), double(want.time_ns), 1e-4 * double(want.time_ns))
          << "tp " << tp << ", " << b.total_tokens() << " tokens";
      EXPECT_DOUBLE_EQ(got.flops, want.flops);
      EXPECT_DOUBLE_EQ(got.bytes, want.bytes);
      EXPECT_NEAR(got.comm_ns, want.comm_ns, 1e-9 * want.time_ns);
      EXPECT_NEAR(got.activity, want.activity, 1e-3);
    }
  }
}

TEST(ProfileTableModel, TensorParallelRowsAreTheOnesUsed) {
  const auto tp1 = example("llama-3-8b", 1), tp2 = example("llama-3-8b", 2);
  EXPECT_NE(tp1.table().source().find("tensor_parallel = 1"), std::string::npos);
  // A large prefill is compute-bound: TP 2's per-device layer is about half of TP 1's.
  const double ratio = tp2.table().at(4096).layer_s / tp1.table().at(4096).layer_s;
  EXPECT_GT(ratio, 0.45);
  EXPECT_LT(ratio, 0.6);
}

TEST(ProfileTableModel, OutOfRangeIterationsFailUnlessExtrapolating) {
  const auto strict = example("llama-3-8b", 1);
  EXPECT_NO_THROW(strict.estimate(batch(0, 0, 8192)));
  try {
    strict.estimate(batch(0, 0, 9000));
    ADD_FAILURE() << "no error beyond the table";
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("example_h100_llama3_8b.csv"), std::string::npos) << m;
    EXPECT_NE(m.find("1 to 8192 tokens"), std::string::npos) << m;
    EXPECT_NE(m.find("has 9000"), std::string::npos) << m;
  }
  const auto loose = example("llama-3-8b", 1, true);
  const double at_end = loose.table().at(8192).layer_s, beyond = loose.table().at(9000).layer_s;
  EXPECT_GT(beyond, at_end * 1.05);  // compute-bound: grows about in proportion
  EXPECT_LT(beyond, at_end * 1.15);
  EXPECT_GT(loose.estimate(batch(0, 0, 9000)).time_ns, loose.estimate(batch(0, 0, 8192)).time_ns);
}

TEST(ProfileTableModel, RejectsModelsTheTableWasNotMeasuredOn) {
  const auto message = [](const std::string& model) {
    try {
      example(model, 1);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(message("mixtral-8x7b").find("mixture of experts"), std::string::npos);
  // Llama-2-7B has 32 KV heads, the example table's Llama-3-8B 8.
  const std::string other = message("llama-2-7b");
  EXPECT_NE(other.find("n_kv_head = 8 but the scenario's model has num_kv_heads = 32"),
            std::string::npos)
      << other;
}

TEST(ProfileTableModel, EmptyBatchCostsNothing) {
  const IterationCost c = example("llama-3-8b", 1).estimate(BatchShape{});
  EXPECT_EQ(c.time_ns, 0);
  EXPECT_EQ(c.flops, 0);
}

}  // namespace
}  // namespace xpusim::model
