// The H200 tables measured for this repository (configs/profiles/h200/, how in
// configs/profiles/README.md) checked against physics and against an independent measurement:
// Vidur's H100 profile of the same operators. The H200 and the H100 SXM have the same Hopper
// tensor cores and clocks (989 dense BF16 TFLOP/s each by NVIDIA's data sheets) and differ in
// memory bandwidth (4.8 vs 3.35 TB/s), so compute-bound GEMMs must take the same time on both,
// and a weight-streaming GEMM at one token must be about 4.8 / 3.35 = 1.43 times faster on the
// H200.
#include "xpusim/build_paths.hpp"
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

const std::string kH200 = XPUSIM_SOURCE_DIR "/configs/profiles/h200/";
const std::string kVidurH100 =
    XPUSIM_TEST_SHARED_DIR "/profiles/compute/h100/meta-llama/Llama-2-7b-hf/mlp.csv";
constexpr double kPeakFlops = 989e12;  // H100/H200 SXM dense BF16, NVIDIA data sheets
constexpr double kH200Bandwidth = 4.8e12;
constexpr double kH100Bandwidth = 3.35e12;

// A CSV read independently of the simulator's readers: one map per row, column -> cell.
std::vector<std::map<std::string, std::string>> read_csv(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header;
  for (std::stringstream ss(line); std::getline(ss, line, ',');) header.push_back(line);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    std::map<std::string, std::string> row;
    std::size_t i = 0;
    std::stringstream ss(line);
    for (std::string cell; i < header.size() && std::getline(ss, cell, ','); ++i)
      row[header[i]] = cell;
    rows.push_back(std::move(row));
  }
  return rows;
}

double num(const std::map<std::string, std::string>& row, const std::string& key) {
  return std::stod(row.at(key));
}

// Median ms of `op` at TP 1 and `tokens`, averaged over repeated rows.
double median_ms(const std::vector<std::map<std::string, std::string>>& rows,
                 const std::string& op, int tokens) {
  double sum = 0;
  int n = 0;
  for (const auto& r : rows)
    if (num(r, "num_tensor_parallel_workers") == 1 && num(r, "num_tokens") == tokens) {
      sum += num(r, "time_stats." + op + ".median");
      ++n;
    }
  EXPECT_GT(n, 0) << op << " at " << tokens << " tokens";
  return n ? sum / n : 0;
}

// The layer's four GEMMs together agree within 10%; one GEMM alone may differ more, because
// cuBLAS picks kernels by version and shape (Llama-2-7B's down projection at 2,048 tokens is 24%
// slower in the H200 table), so single operators are held to 25%.
TEST(H200MeasuredTables, ComputeBoundGemmsMatchVidursH100Profile) {
  if (!std::filesystem::exists(kVidurH100)) GTEST_SKIP() << "no " << kVidurH100;
  const auto h200 = read_csv(kH200 + "llama-2-7b.mlp.csv");
  const auto h100 = read_csv(kVidurH100);
  for (int tokens : {1024, 2048, 4096}) {
    double sum_h200 = 0, sum_h100 = 0;
    for (const char* op : {"attn_pre_proj", "attn_post_proj", "mlp_up_proj", "mlp_down_proj"}) {
      const double a = median_ms(h200, op, tokens), b = median_ms(h100, op, tokens);
      EXPECT_NEAR(a / b, 1.0, 0.25) << op << " at " << tokens << " tokens: H200 " << a
                                    << " ms, H100 " << b << " ms";
      sum_h200 += a;
      sum_h100 += b;
    }
    EXPECT_NEAR(sum_h200 / sum_h100, 1.0, 0.10) << "layer GEMMs at " << tokens << " tokens";
  }
}

TEST(H200MeasuredTables, WeightStreamingGemmsAreFasterByTheBandwidthRatio) {
  if (!std::filesystem::exists(kVidurH100)) GTEST_SKIP() << "no " << kVidurH100;
  const auto h200 = read_csv(kH200 + "llama-2-7b.mlp.csv");
  const auto h100 = read_csv(kVidurH100);
  const double ratio = kH200Bandwidth / kH100Bandwidth;
  for (const char* op : {"mlp_up_proj", "mlp_down_proj"}) {
    const double speedup = median_ms(h100, op, 1) / median_ms(h200, op, 1);
    EXPECT_NEAR(speedup, ratio, 0.15 * ratio) << op << " at 1 token";
  }
}

// Every measured GEMM stays under the data-sheet peak: a table in the wrong unit or with
// swapped columns fails here.
TEST(H200MeasuredTables, NoGemmExceedsThePeak) {
  struct Shape { const char* file; double hidden, q, kv, ffn; };
  for (const Shape& s : {Shape{"llama-3.1-8b", 4096, 4096, 1024, 14336},
                         Shape{"qwen3-32b", 5120, 8192, 1024, 25600},
                         Shape{"llama-2-7b", 4096, 4096, 4096, 11008}})
    for (const auto& r : read_csv(kH200 + s.file + ".mlp.csv")) {
      const double t = num(r, "num_tokens"), tp = num(r, "num_tensor_parallel_workers");
      const std::map<std::string, double> flops{
          {"attn_pre_proj", 2 * t * s.hidden * (s.q + 2 * s.kv) / tp},
          {"attn_post_proj", 2 * t * s.q * s.hidden / tp},
          {"mlp_up_proj", 2 * t * s.hidden * 2 * s.ffn / tp},
          {"mlp_down_proj", 2 * t * s.ffn * s.hidden / tp}};
      for (const auto& [op, f] : flops)
        EXPECT_LT(f / (num(r, "time_stats." + op + ".median") * 1e-3), kPeakFlops)
            << s.file << " " << op << " at " << t << " tokens, TP " << tp;
    }
}

// Decode attention reads every cached K and V once: no row may imply more than the data-sheet
// bandwidth, and long contexts at large batch must reach most of it (a memory-bound kernel).
TEST(H200MeasuredTables, DecodeAttentionIsBoundedByAndReachesTheBandwidth) {
  for (const char* file : {"llama-3.1-8b", "qwen3-32b", "llama-2-7b"}) {
    double best = 0;
    for (const auto& r : read_csv(kH200 + file + ".attention.csv")) {
      if (r.at("is_prefill") != "False") continue;
      const double kv_heads = num(r, "n_kv_head") / num(r, "num_tensor_parallel_workers");
      const double head_dim = 128;  // all three models
      const double bytes = num(r, "batch_size") * (num(r, "kv_cache_size") + 1) * kv_heads *
                           head_dim * 2 /*K and V*/ * 2 /*bf16*/;
      const double rate = bytes / (num(r, "time_stats.attn_decode.median") * 1e-3);
      EXPECT_LT(rate, kH200Bandwidth) << file << " batch " << r.at("batch_size") << " kv "
                                      << r.at("kv_cache_size");
      best = std::max(best, rate);
    }
    EXPECT_GT(best, 0.8 * kH200Bandwidth) << file;
  }
}

}  // namespace
