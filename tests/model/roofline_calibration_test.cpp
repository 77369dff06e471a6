// Checks the roofline's default factors against measured GEMM timings (Vidur profiles, see
// /work/shared/profiles/README.md) and prints the comparison table quoted in
// docs/execution-model.md. The factors were fitted by scripts/calibrate_roofline.py.
#include "xpusim/build_paths.hpp"
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>
#include <vector>

#include "model/presets.hpp"
#include "xpusim/model/roofline_model.hpp"

namespace xpusim::model {
namespace {

const char* kGemmColumns[] = {"time_stats.attn_pre_proj.median", "time_stats.attn_post_proj.median",
                              "time_stats.mlp_up_proj.median", "time_stats.mlp_down_proj.median"};

// Token counts at or below this run as decode iterations (decode_mfu), above as prefill.
constexpr std::int64_t kDecodeMaxTokens = 256;

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string cell;
  while (std::getline(ss, cell, ',')) out.push_back(cell);
  return out;
}

// Measured seconds of the four GEMMs per (tokens, tp); repeated rows are averaged.
std::map<std::pair<int, int>, double> read_profile(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  const auto header = split(line);
  auto col = [&](const std::string& name) {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return i;
    ADD_FAILURE() << "no column " << name << " in " << path;
    return std::size_t{0};
  };
  const std::size_t tokens = col("num_tokens"), tp = col("num_tensor_parallel_workers");
  std::map<std::pair<int, int>, std::pair<double, int>> sums;
  while (std::getline(in, line)) {
    const auto cells = split(line);
    double s = 0;
    for (const char* c : kGemmColumns) s += std::stod(cells[col(c)]) * 1e-3;
    auto& [sum, n] = sums[{std::stoi(cells[tokens]), std::stoi(cells[tp])}];
    sum += s;
    ++n;
  }
  std::map<std::pair<int, int>, double> out;
  for (const auto& [key, v] : sums) out[key] = v.first / v.second;
  return out;
}

double predicted_gemm_seconds(const RooflineModel& m, std::int64_t tokens) {
  BatchShape b;
  if (tokens <= kDecodeMaxTokens) {
    b.decode_seqs = tokens;
  } else {
    b.prefill_seqs = 1;
    b.prefill_tokens = tokens;
  }
  OpWorks w;
  m.costs().layer(LayerTokens::of(b, true), false, w);
  double s = 0;
  for (Op op : {Op::Qkv, Op::OutProj, Op::UpGate, Op::Down})
    s += m.op_seconds(op, w[static_cast<int>(op)], b.prefill_tokens > 0);
  return s;
}

struct Case {
  const char* gpu;  // profile folder
  const char* device;
  const char* profile_model;
  const char* model;
};

// Per point 30%: the roofline takes the larger of compute and memory time, so it cannot show
// the knee where a GEMM is too small to fill the GPU but no longer weight-bound (512 tokens
// at TP 8: measured up to 28% slower than predicted, see docs/execution-model.md). Mean 10%:
// the defaults must fit the data as a whole, not just stay inside the per-point band.
constexpr double kPointTolerance = 0.30;
constexpr double kMeanTolerance = 0.10;

TEST(RooflineCalibration, GemmTimesMatchMeasuredProfiles) {
  const std::string root = std::string(XPUSIM_TEST_SHARED_DIR) + "/profiles/compute/";
  if (!std::ifstream(root + "h100/meta-llama/Llama-2-7b-hf/mlp.csv"))
    GTEST_SKIP() << "measured profiles not found under " << root;
  const Case cases[] = {{"h100", "h100-sxm", "Llama-2-7b-hf", "llama-2-7b"},
                        {"h100", "h100-sxm", "Llama-2-70b-hf", "llama-2-70b"},
                        {"a100", "a100-80gb", "Llama-2-7b-hf", "llama-2-7b"},
                        {"a100", "a100-80gb", "Llama-2-70b-hf", "llama-2-70b"},
                        // held out: not used by the fit (GQA with 8 KV heads, wider FFN)
                        {"a100", "a100-80gb", "Meta-Llama-3-8B", "llama-3-8b"}};
  std::ostringstream table;
  table << "| gpu | model | TP | tokens | measured ms | predicted ms | error |\n"
        << "|---|---|---|---|---|---|---|\n";
  double abs_sum = 0;
  int points = 0;
  for (const Case& c : cases) {
    const auto measured =
        read_profile(root + c.gpu + "/meta-llama/" + c.profile_model + "/mlp.csv");
    for (int tp : {1, 2, 4, 8}) {
      const RooflineModel m(testing::load_model(c.model),
                            Placement{testing::load_device(c.device), tp, 0, 0}, {});
      for (int tokens : {1, 64, 512, 4096}) {
        const auto it = measured.find({tokens, tp});
        if (it == measured.end()) continue;
        const double predicted = predicted_gemm_seconds(m, tokens);
        const double err = predicted / it->second - 1;
        EXPECT_LT(std::abs(err), kPointTolerance)
            << c.device << " " << c.model << " tp " << tp << " tokens " << tokens;
        abs_sum += std::abs(err);
        ++points;
        table << "| " << c.gpu << " | " << c.model << " | " << tp << " | " << tokens << " | "
              << std::fixed << std::setprecision(4) << it->second * 1e3 << " | " << predicted * 1e3
              << " | " << std::showpos << std::setprecision(1) << err * 100 << "%" << std::noshowpos
              << " |\n";
      }
    }
  }
  ASSERT_EQ(points, 80) << "every (gpu, model, tp, tokens) row should be present";
  EXPECT_LT(abs_sum / points, kMeanTolerance);
  std::cout << table.str() << "mean |error| " << std::fixed << std::setprecision(1)
            << abs_sum / points * 100 << "% over " << points << " points\n";
}

}  // namespace
}  // namespace xpusim::model
