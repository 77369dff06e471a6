// AttentionTable: reading Vidur's attention.csv layout from a small hand-made table whose
// interpolated values are computed by hand, the errors of a bad table, and its use by the
// profile-table execution model.
#include "xpusim/model/attention_table.hpp"

#include <gtest/gtest.h>

#include "model/presets.hpp"
#include "workload/test_files.hpp"
#include "xpusim/core/error.hpp"
#include "xpusim/model/profile_table_model.hpp"

namespace xpusim::model {
namespace {

using workload::testing::TempDir;

// Columns in Vidur's order (other statistics and unused columns included, as the profiler
// writes them). Prefill rows leave the decode columns empty and vice versa.
const char* kHeader =
    "time_stats.attn_prefill.median,time_stats.attn_prefill.mean,"
    "time_stats.attn_decode.median,time_stats.attn_decode.mean,"
    "time_stats.attn_kv_cache_save.median,time_stats.attn_kv_cache_save.mean,"
    "n_embd,n_q_head,n_kv_head,block_size,num_tensor_parallel_workers,max_model_len,"
    "batch_size,prefill_chunk_size,kv_cache_size,is_prefill,attention_backend\n";

// Prefill: chunk 128 and 512 at cached 0 and 1024; decode: batch 1 and 8 at KV 128 and 4096.
// Times in ms; the KV-save column adds 0.01 ms to every row of TP 1.
const char* kRows =
    "0.10,0.11,,,0.01,0.01,4096,32,8,16,1,8192,1,128,0,True,FLASHINFER\n"
    "0.30,0.31,,,0.01,0.01,4096,32,8,16,1,8192,1,128,1024,True,FLASHINFER\n"
    "0.50,0.51,,,0.01,0.01,4096,32,8,16,1,8192,1,512,0,True,FLASHINFER\n"
    "1.30,1.31,,,0.01,0.01,4096,32,8,16,1,8192,1,512,1024,True,FLASHINFER\n"
    ",,0.02,0.03,0.01,0.01,4096,32,8,16,1,8192,1,0,128,False,FLASHINFER\n"
    ",,0.06,0.07,0.01,0.01,4096,32,8,16,1,8192,1,0,4096,False,FLASHINFER\n"
    ",,0.04,0.05,0.01,0.01,4096,32,8,16,1,8192,8,0,128,False,FLASHINFER\n"
    ",,0.20,0.21,0.01,0.01,4096,32,8,16,1,8192,8,0,4096,False,FLASHINFER\n"
    // A repeated point (averaged with the row above: (0.20 + 0.40) / 2 = 0.30 ms + 0.01).
    ",,0.40,0.41,0.01,0.01,4096,32,8,16,1,8192,8,0,4096,False,FLASHINFER\n"
    // TP 2 rows are parsed but not used at TP 1.
    "9,9,,,0,0,4096,32,8,16,2,8192,1,128,0,True,FLASHINFER\n"
    ",,9,9,0,0,4096,32,8,16,2,8192,1,0,128,False,FLASHINFER\n";

AttentionTable load(const std::filesystem::path& p, int tp = 1, bool extrapolate = false,
                    ProfileStatistic stat = ProfileStatistic::Median) {
  return AttentionTable::load({p, tp, stat, extrapolate}, AttentionShape{4096, 32, 8});
}

template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(AttentionTable, MeasuredPointsComeBackExactly) {
  TempDir dir;
  const auto t = load(dir.write("attention.csv", std::string(kHeader) + kRows));
  EXPECT_DOUBLE_EQ(t.prefill_seconds(128, 0), 0.11e-3);
  EXPECT_DOUBLE_EQ(t.prefill_seconds(512, 1024), 1.31e-3);
  EXPECT_DOUBLE_EQ(t.decode_seconds(1, 128), 0.03e-3);
  EXPECT_NEAR(t.decode_seconds(8, 4096), 0.31e-3, 1e-15);  // repeats averaged
  EXPECT_EQ(t.prefill().points(), 4u);
  EXPECT_EQ(t.decode().points(), 4u);
}

TEST(AttentionTable, InterpolatesBilinearlyBetweenPoints) {
  TempDir dir;
  const auto t = load(dir.write("attention.csv", std::string(kHeader) + kRows));
  // Chunk 320 is halfway between 128 and 512; cached 512 halfway between 0 and 1024:
  // row 128 -> (0.11 + 0.31)/2 = 0.21, row 512 -> (0.51 + 1.31)/2 = 0.91, blend 0.56 ms.
  EXPECT_NEAR(t.prefill_seconds(320, 512), 0.56e-3, 1e-15);
  // Batch 4.5 halfway between 1 and 8; KV 2112 halfway between 128 and 4096:
  // batch 1 -> 0.05, batch 8 -> (0.05 + 0.31)/2 = 0.18, blend 0.115 ms.
  EXPECT_NEAR(t.decode_seconds(4.5, 2112), 0.115e-3, 1e-15);
  // A quarter of the way in KV only: 0.03 + (0.07 - 0.03)/4 = 0.04 ms.
  EXPECT_NEAR(t.decode_seconds(1, 128 + 992), 0.04e-3, 1e-15);
}

TEST(AttentionTable, MeanStatisticAndTensorParallelRows) {
  TempDir dir;
  const auto p = dir.write("attention.csv", std::string(kHeader) + kRows);
  EXPECT_DOUBLE_EQ(load(p, 1, false, ProfileStatistic::Mean).prefill_seconds(128, 0), 0.12e-3);
  const auto tp2 = load(p, 2, true);
  EXPECT_DOUBLE_EQ(tp2.prefill_seconds(128, 0), 9e-3);
  EXPECT_DOUBLE_EQ(tp2.decode_seconds(1, 128), 9e-3);
  EXPECT_NE(error_of([&] { load(p, 4); }).find("rows for: 1, 2"), std::string::npos);
}

TEST(AttentionTable, OutOfRangeFailsUnlessExtrapolating) {
  TempDir dir;
  const auto p = dir.write("attention.csv", std::string(kHeader) + kRows);
  const std::string e = error_of([&] { load(p).decode_seconds(16, 128); });
  EXPECT_NE(e.find("covers size 1 to 8"), std::string::npos) << e;
  EXPECT_NE(e.find("extrapolate"), std::string::npos) << e;
  EXPECT_NE(error_of([&] { load(p).prefill_seconds(128, 2048); }).find("KV length"),
            std::string::npos);
  // Extrapolated: batch 15 continues the line through batch 1 and 8 at KV 128:
  // 0.05 + (15 - 8)/7 * (0.05 - 0.03) = 0.07 ms.
  EXPECT_NEAR(load(p, 1, true).decode_seconds(15, 128), 0.07e-3, 1e-15);
}

TEST(AttentionTable, BadTablesNameFileLineAndColumn) {
  TempDir dir;
  const std::string bad_number =
      std::string(kHeader) + "x,0.11,,,0.01,0.01,4096,32,8,16,1,8192,1,128,0,True,F\n";
  std::string e = error_of([&] { load(dir.write("a.csv", bad_number)); });
  EXPECT_NE(e.find("a.csv:2: column 'time_stats.attn_prefill.median': 'x'"), std::string::npos)
      << e;
  e = error_of([&] { load(dir.write("b.csv", "num_tensor_parallel_workers,is_prefill\n")); });
  EXPECT_NE(e.find("b.csv:1: attention table has no column 'batch_size'"), std::string::npos) << e;
  const std::string other_model =
      std::string(kHeader) + "0.1,0.1,,,0,0,5120,40,8,16,1,8192,1,128,0,True,F\n";
  e = error_of([&] { load(dir.write("c.csv", other_model)); });
  EXPECT_NE(e.find("c.csv:2: the attention table was measured with n_embd = 5120"),
            std::string::npos)
      << e;
  e = error_of([&] { load(dir.path() / "missing.csv"); });
  EXPECT_NE(e.find("cannot open attention table"), std::string::npos) << e;
}

TEST(AttentionTable, ProfileTableModelTakesAttentionFromTheTable) {
  // With and without an attention table, on the same GEMM table: the difference is exactly
  // the per-layer attention, table time minus roofline time, times the number of layers.
  TempDir dir;
  // A 3-layer model with Llama-3-8B's attention shape keeps the arithmetic visible.
  ModelSpec m = testing::load_model("llama-3-8b");
  m.num_layers = 3;
  const Placement placement{testing::load_device("h100-sxm"), 1, 0, 0};
  const ProfileTable gemm("synthetic", {1, 4096}, {{1e-4, 1e-5}, {1e-3, 1e-4}}, false);
  const auto attention = load(dir.write("attention.csv", std::string(kHeader) + kRows));
  const ProfileTableModel with(m, placement, gemm, {}, attention);
  const ProfileTableModel without(m, placement, gemm, {});
  ASSERT_TRUE(with.has_attention_table());

  BatchShape decode;  // 8 sequences with 4096 cached tokens each
  decode.decode_seqs = 8;
  decode.decode_context_sum = 8 * 4096;
  const double table_s = 3 * 0.31e-3;
  // Roofline attention of the same batch: what `without` adds beyond the shared parts.
  OpWorks work;
  without.roofline().costs().layer(LayerTokens::of(decode, true), false, work);
  const double roof_s = 3 * without.roofline().op_seconds(Op::DecodeAttention,
                                                           work[int(Op::DecodeAttention)], false);
  const double diff_s = (with.estimate(decode).time_ns - without.estimate(decode).time_ns) * 1e-9;
  EXPECT_NEAR(diff_s, table_s - roof_s, 2e-9);

  // One prefill chunk of 512 new tokens after 1024 cached: the pairs give back chunk 512.
  BatchShape prefill;
  prefill.prefill_seqs = 1;
  prefill.prefill_tokens = 512;
  prefill.prefill_cached_sum = 1024;
  prefill.prefill_attention_pairs = 512.0 * 1024 + 512.0 * 513 / 2;
  without.roofline().costs().layer(LayerTokens::of(prefill, true), false, work);
  const double roof_p = 3 * without.roofline().op_seconds(Op::PrefillAttention,
                                                           work[int(Op::PrefillAttention)], true);
  const double diff_p =
      (with.estimate(prefill).time_ns - without.estimate(prefill).time_ns) * 1e-9;
  EXPECT_NEAR(diff_p, 3 * 1.31e-3 - roof_p, 2e-9);
}

}  // namespace
}  // namespace xpusim::model
