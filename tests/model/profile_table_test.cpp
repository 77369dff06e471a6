// ProfileTable: reading Vidur-layout CSVs, choosing rows, interpolating, and the errors a user
// gets for a bad table.
#include "xpusim/model/profile_table.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "workload/test_files.hpp"
#include "xpusim/core/error.hpp"

namespace xpusim::model {
namespace {

using workload::testing::TempDir;

const char* kOps[] = {"emb",         "input_layernorm", "attn_pre_proj",
                      "attn_rope",   "attn_post_proj",  "post_attention_layernorm",
                      "mlp_up_proj", "mlp_act",         "mlp_down_proj",
                      "add"};
constexpr double kLayerOps = 9;  // every op but emb is per layer

struct Row {
  int tokens;
  int tp;
  double op_ms;        // median of every operator
  double mean_ms = 0;  // mean of every operator (0: same as the median)
};

std::string header() {
  std::string h;
  for (const char* op : kOps)
    h += std::string("time_stats.") + op + ".median,time_stats." + op + ".mean,";
  return h + "n_embd,num_tokens,num_tensor_parallel_workers\n";
}

std::string row(const Row& r) {
  std::ostringstream s;
  for (std::size_t i = 0; i < std::size(kOps); ++i)
    s << r.op_ms << "," << (r.mean_ms > 0 ? r.mean_ms : r.op_ms) << ",";
  s << "4096," << r.tokens << "," << r.tp << "\n";
  return s.str();
}

std::string table(const std::vector<Row>& rows) {
  std::string t = header();
  for (const auto& r : rows) t += row(r);
  return t;
}

ProfileTable load(const std::filesystem::path& p, int tp = 1, bool extrapolate = false,
                  ProfileStatistic stat = ProfileStatistic::Median) {
  return ProfileTable::load({p, tp, stat, extrapolate}, ProfileShape{4096, 32, 8, 14336});
}

// The message of the xpusim::Error `f` throws ("" when it throws none).
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

const std::vector<Row> kThreePoints{{1, 1, 1.0}, {10, 1, 2.0}, {100, 1, 11.0}};

TEST(ProfileTable, ExactAtMeasuredPointsAndLinearBetween) {
  TempDir dir;
  const auto t = load(dir.write("p.csv", table(kThreePoints)));
  EXPECT_EQ(t.points(), 3u);
  EXPECT_EQ(t.min_tokens(), 1);
  EXPECT_EQ(t.max_tokens(), 100);
  // ms -> s, nine per-layer operators summed; the embedding separately.
  EXPECT_DOUBLE_EQ(t.at(1).layer_s, kLayerOps * 1e-3);
  EXPECT_DOUBLE_EQ(t.at(10).layer_s, kLayerOps * 2e-3);
  EXPECT_DOUBLE_EQ(t.at(100).layer_s, kLayerOps * 11e-3);
  EXPECT_DOUBLE_EQ(t.at(100).embedding_s, 11e-3);
  // Linear inside each segment, with each segment's own slope.
  EXPECT_DOUBLE_EQ(t.at(4).layer_s, kLayerOps * (1.0 + 3.0 / 9.0) * 1e-3);
  EXPECT_DOUBLE_EQ(t.at(55).layer_s, kLayerOps * 6.5e-3);
  EXPECT_DOUBLE_EQ(t.at(90).embedding_s, 10e-3);
}

TEST(ProfileTable, OutsideTheRangeNamesFileCountAndRange) {
  TempDir dir;
  const auto path = dir.write("p.csv", table(kThreePoints));
  const auto t = load(path);
  const std::string above = error_of([&] { t.at(101); });
  EXPECT_NE(above.find(path.string()), std::string::npos) << above;
  EXPECT_NE(above.find("1 to 100 tokens"), std::string::npos) << above;
  EXPECT_NE(above.find("has 101"), std::string::npos) << above;
  EXPECT_NE(above.find("extrapolate"), std::string::npos) << above;
  EXPECT_NE(error_of([&] { t.at(0.5); }), "");
}

TEST(ProfileTable, ExtrapolatesFromTheOutermostTwoPoints) {
  TempDir dir;
  const auto t = load(dir.write("p.csv", table(kThreePoints)), 1, true);
  // Above: slope of the 10..100 segment (9 ms per 90 tokens per op).
  EXPECT_DOUBLE_EQ(t.at(190).layer_s, kLayerOps * 20e-3);
  // Below: slope of the 1..10 segment.
  EXPECT_DOUBLE_EQ(t.at(0.1).embedding_s, (1.0 - 0.9 / 9.0) * 1e-3);
  // Never below zero, even where the outermost segment falls.
  const ProfileTable falling("falling", {1, 2}, {{2e-3, 2e-3}, {1e-3, 1e-3}}, true);
  EXPECT_DOUBLE_EQ(falling.at(2.5).layer_s, 0.5e-3);
  EXPECT_EQ(falling.at(10).layer_s, 0.0);
}

TEST(ProfileTable, ReadsOnlyTheScenariosTensorParallelRows) {
  TempDir dir;
  const auto path = dir.write(
      "p.csv", table({{1, 1, 1.0}, {1, 2, 0.5}, {64, 2, 0.75}, {64, 1, 1.5}, {128, 2, 1.25}}));
  const auto tp2 = load(path, 2);
  EXPECT_EQ(tp2.points(), 3u);
  EXPECT_DOUBLE_EQ(tp2.at(64).layer_s, kLayerOps * 0.75e-3);
  EXPECT_EQ(tp2.max_tokens(), 128);
  EXPECT_NE(tp2.source().find("tensor_parallel = 2"), std::string::npos);
  EXPECT_DOUBLE_EQ(load(path, 1).at(64).layer_s, kLayerOps * 1.5e-3);
  const std::string missing = error_of([&] { load(path, 4); });
  EXPECT_NE(missing.find("num_tensor_parallel_workers = 4"), std::string::npos) << missing;
  EXPECT_NE(missing.find("the table has: 1, 2"), std::string::npos) << missing;
}

TEST(ProfileTable, AveragesRepeatedRowsAndPicksTheStatistic) {
  TempDir dir;
  const auto path =
      dir.write("p.csv", table({{1, 1, 1.0, 4.0}, {8, 1, 2.0, 6.0}, {8, 1, 3.0, 8.0}}));
  EXPECT_DOUBLE_EQ(load(path).at(8).layer_s, kLayerOps * 2.5e-3);
  EXPECT_DOUBLE_EQ(load(path, 1, false, ProfileStatistic::Mean).at(8).layer_s, kLayerOps * 7e-3);
  // The `min` columns are not in this file: the error names the column it looked for.
  const std::string e = error_of([&] { load(path, 1, false, ProfileStatistic::Min); });
  EXPECT_NE(e.find(path.string() + ":1: "), std::string::npos) << e;
  EXPECT_NE(e.find("time_stats.emb.min"), std::string::npos) << e;
}

TEST(ProfileTable, SkipsCommentsAndBlankLinesAndCountsThemInLineNumbers) {
  TempDir dir;
  const auto path = dir.write("p.csv", "# synthetic\n\n" + header() + row({1, 1, 1.0}) + "\n" +
                                           row({2, 1, 2.0}) + "# end\n");
  EXPECT_DOUBLE_EQ(load(path).at(2).layer_s, kLayerOps * 2e-3);
  const auto bad = dir.write("bad.csv", "# synthetic\n" + header() + row({1, 1, 1.0}) + "1,2,3\n");
  EXPECT_NE(error_of([&] { load(bad); }).find("bad.csv:4: 3 cells"), std::string::npos);
}

TEST(ProfileTable, MalformedTablesFailWithFileAndLine) {
  TempDir dir;
  const auto check = [&](const std::string& text, const std::string& where,
                         const std::string& what) {
    const auto path = dir.write("m.csv", text);
    const std::string e = error_of([&] { load(path); });
    EXPECT_NE(e.find(path.string() + ":" + where + ": "), std::string::npos) << e;
    EXPECT_NE(e.find(what), std::string::npos) << e;
  };
  std::string bad_number = row({8, 1, 1.0});
  bad_number.replace(bad_number.find("1,"), 1, "1.0x");
  check(table({{1, 1, 1.0}}) + bad_number, "3", "'1.0x' is not a number");
  check(table({{1, 1, 1.0}}) + row({8, 1, -1.0}), "3", "negative time");
  std::string fractional = row({8, 1, 1.0});
  fractional.replace(fractional.rfind(",8,"), 3, ",8.5,");
  check(table({{1, 1, 1.0}}) + fractional, "3", "num_tokens");
  check(table({}) + "1,2\n", "2", "2 cells, but the header has");
  std::string no_add = table({{1, 1, 1.0}, {8, 1, 1.0}});
  no_add.replace(no_add.find("time_stats.add.median"), 21, "time_stats.sub.median");
  check(no_add, "1", "no column 'time_stats.add.median'");
}

TEST(ProfileTable, OtherFailures) {
  TempDir dir;
  EXPECT_NE(error_of([&] { load(dir.path() / "absent.csv"); }).find("cannot open"),
            std::string::npos);
  const std::string one = error_of([&] { load(dir.write("one.csv", table({{1, 1, 1.0}}))); });
  EXPECT_NE(one.find("only one token count"), std::string::npos) << one;
  const auto empty = dir.write("empty.csv", "# nothing but a comment\n");
  EXPECT_NE(error_of([&] { load(empty); }).find(empty.string() + ": profile table has no header"),
            std::string::npos);
  // Measured on another model: the shape columns disagree with the scenario's model.
  std::string other = table({{1, 1, 1.0}, {8, 1, 1.0}});
  other.replace(other.find("4096,8,"), 4, "5120");
  const auto path = dir.write("other.csv", other);
  const std::string shape = error_of([&] { load(path); });
  EXPECT_NE(shape.find(path.string() + ":3: "), std::string::npos) << shape;
  EXPECT_NE(shape.find("n_embd = 5120 but the scenario's model has hidden = 4096"),
            std::string::npos)
      << shape;
  EXPECT_THROW(ProfileTable("unsorted", {8, 1}, {{}, {}}, false), Error);
  EXPECT_EQ(profile_statistic_from_string("min"), ProfileStatistic::Min);
  EXPECT_THROW(profile_statistic_from_string("p99"), Error);
}

}  // namespace
}  // namespace xpusim::model
