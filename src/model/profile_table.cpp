#include "xpusim/model/profile_table.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <string_view>

#include "xpusim/core/error.hpp"
#include "xpusim/model/csv_cells.hpp"

namespace xpusim::model {
namespace {

// Per-layer operators of the table, summed into ProfileTimes::layer_s. Attention kernels are
// not in Vidur's mlp.csv; the execution model takes them from the roofline.
constexpr std::array<const char*, 9> kLayerOps{"input_layernorm",
                                               "attn_pre_proj",
                                               "attn_rope",
                                               "attn_post_proj",
                                               "post_attention_layernorm",
                                               "mlp_up_proj",
                                               "mlp_act",
                                               "mlp_down_proj",
                                               "add"};
constexpr const char* kEmbeddingOp = "emb";
constexpr const char* kTokens = "num_tokens";
constexpr const char* kTp = "num_tensor_parallel_workers";
// Shape columns checked against the scenario's model where present.
constexpr std::array<const char*, 4> kShapeColumns{"n_embd", "n_head", "n_kv_head",
                                                   "n_expanded_embd"};

std::string trim(std::string_view s) { return trim_csv_cell(s); }
std::vector<std::string> split(const std::string& line) { return split_csv_cells(line); }

// Reads one file; every message starts with FILE:LINE.
class Reader {
 public:
  explicit Reader(std::filesystem::path path) : path_(std::move(path)) {}

  [[noreturn]] void fail(int line, const std::string& what) const {
    throw Error(path_.string() + ":" + std::to_string(line) + ": " + what);
  }

  std::size_t column(int line, const std::map<std::string, std::size_t>& header,
                     const std::string& name) const {
    const auto it = header.find(name);
    if (it == header.end())
      fail(line, "profile table has no column '" + name +
                     "' (see docs/execution-model.md for the required columns)");
    return it->second;
  }

  double number(int line, const std::string& cell, const std::string& name) const {
    double v = 0;
    const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), v);
    if (cell.empty() || ec != std::errc() || end != cell.data() + cell.size() || !std::isfinite(v))
      fail(line, "column '" + name + "': '" + cell + "' is not a number");
    return v;
  }

  int count(int line, const std::string& cell, const std::string& name) const {
    const double v = number(line, cell, name);
    if (v < 1 || v != std::floor(v) || v > 1e9)
      fail(line, "column '" + name + "': '" + cell + "' is not a positive whole number");
    return static_cast<int>(v);
  }

  double millis(int line, const std::string& cell, const std::string& name) const {
    const double v = number(line, cell, name);
    if (v < 0) fail(line, "column '" + name + "': negative time " + cell + " ms");
    return v * 1e-3;
  }

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct Columns {
  std::size_t tokens = 0, tp = 0, embedding = 0;
  std::array<std::size_t, kLayerOps.size()> ops{};
  std::array<std::optional<std::size_t>, kShapeColumns.size()> shape{};
};

Columns find_columns(const Reader& r, int line, const std::vector<std::string>& cells,
                     ProfileStatistic stat) {
  std::map<std::string, std::size_t> header;
  for (std::size_t i = 0; i < cells.size(); ++i) header.emplace(cells[i], i);
  const std::string suffix = std::string(".") + to_string(stat);
  const auto op_column = [&](const char* op) {
    return r.column(line, header, std::string("time_stats.") + op + suffix);
  };
  Columns c;
  c.tokens = r.column(line, header, kTokens);
  c.tp = r.column(line, header, kTp);
  c.embedding = op_column(kEmbeddingOp);
  for (std::size_t i = 0; i < kLayerOps.size(); ++i) c.ops[i] = op_column(kLayerOps[i]);
  for (std::size_t i = 0; i < kShapeColumns.size(); ++i)
    if (const auto it = header.find(kShapeColumns[i]); it != header.end()) c.shape[i] = it->second;
  return c;
}

void check_shape(const Reader& r, int line, const std::vector<std::string>& cells, const Columns& c,
                 const ProfileShape& expect) {
  const std::array<std::pair<int, const char*>, kShapeColumns.size()> want{
      {{expect.hidden, "hidden"},
       {expect.num_heads, "num_heads"},
       {expect.num_kv_heads, "num_kv_heads"},
       {expect.ffn_hidden, "ffn_hidden"}}};
  for (std::size_t i = 0; i < kShapeColumns.size(); ++i) {
    if (!c.shape[i]) continue;
    const int got = r.count(line, cells[*c.shape[i]], kShapeColumns[i]);
    if (got != want[i].first)
      r.fail(line, std::string("the table was measured with ") + kShapeColumns[i] + " = " +
                       std::to_string(got) + " but the scenario's model has " + want[i].second +
                       " = " + std::to_string(want[i].first));
  }
}

std::string tp_list(const std::set<int>& tps) {
  std::string out;
  for (int tp : tps) out += (out.empty() ? "" : ", ") + std::to_string(tp);
  return out.empty() ? "none" : out;
}

}  // namespace

ProfileStatistic profile_statistic_from_string(const std::string& name) {
  if (name == "median") return ProfileStatistic::Median;
  if (name == "mean") return ProfileStatistic::Mean;
  if (name == "min") return ProfileStatistic::Min;
  throw Error("unknown profile statistic '" + name + "' (expected median, mean or min)");
}

const char* to_string(ProfileStatistic s) {
  switch (s) {
    case ProfileStatistic::Mean:
      return "mean";
    case ProfileStatistic::Min:
      return "min";
    case ProfileStatistic::Median:
      break;
  }
  return "median";
}

ProfileTable ProfileTable::load(const Options& o, const std::optional<ProfileShape>& expect) {
  const Reader r(o.path);
  std::ifstream in(o.path);
  if (!in) throw Error("cannot open profile table " + o.path.string());
  std::string line;
  int n = 0;
  const auto next_line = [&] {  // skips blank lines and '#' comments
    while (std::getline(in, line)) {
      ++n;
      const std::string t = trim(line);
      if (!t.empty() && t[0] != '#') return true;
    }
    return false;
  };
  if (!next_line()) throw Error(o.path.string() + ": profile table has no header line");
  const auto header = split(line);
  const Columns c = find_columns(r, n, header, o.statistic);
  // Sums and counts per token count: the Vidur profiles repeat some rows.
  std::map<int, std::pair<ProfileTimes, int>> rows;
  std::set<int> tps;
  while (next_line()) {
    const auto cells = split(line);
    if (cells.size() != header.size())
      r.fail(n, std::to_string(cells.size()) + " cells, but the header has " +
                    std::to_string(header.size()));
    const int tp = r.count(n, cells[c.tp], kTp);
    const int tokens = r.count(n, cells[c.tokens], kTokens);
    tps.insert(tp);
    ProfileTimes t;
    t.embedding_s = r.millis(n, cells[c.embedding], header[c.embedding]);
    for (std::size_t op : c.ops) t.layer_s += r.millis(n, cells[op], header[op]);
    if (expect) check_shape(r, n, cells, c, *expect);
    if (tp != o.tensor_parallel) continue;
    auto& [sum, count] = rows[tokens];
    sum.layer_s += t.layer_s;
    sum.embedding_s += t.embedding_s;
    ++count;
  }
  const std::string source =
      o.path.string() + " (tensor_parallel = " + std::to_string(o.tensor_parallel) + ")";
  if (rows.empty())
    throw Error(o.path.string() + ": no rows with " + kTp + " = " +
                std::to_string(o.tensor_parallel) + " (the table has: " + tp_list(tps) + ")");
  if (rows.size() < 2)
    throw Error(source + ": only one token count; interpolation needs at least two");
  std::vector<double> tokens;
  std::vector<ProfileTimes> times;
  for (const auto& [n, v] : rows) {
    tokens.push_back(n);
    times.push_back({v.first.layer_s / v.second, v.first.embedding_s / v.second});
  }
  return ProfileTable(source, std::move(tokens), std::move(times), o.extrapolate);
}

ProfileTable::ProfileTable(std::string source, std::vector<double> tokens,
                           std::vector<ProfileTimes> times, bool extrapolate)
    : source_(std::move(source)),
      tokens_(std::move(tokens)),
      times_(std::move(times)),
      extrapolate_(extrapolate) {
  if (tokens_.size() < 2 || tokens_.size() != times_.size())
    throw Error(source_ + ": a profile table needs at least two points, one time per count");
  for (std::size_t i = 0; i < tokens_.size(); ++i)
    if (tokens_[i] <= 0 || (i > 0 && tokens_[i] <= tokens_[i - 1]))
      throw Error(source_ + ": token counts must be positive and strictly increasing");
}

ProfileTimes ProfileTable::at(double x) const {
  const bool outside = x < tokens_.front() || x > tokens_.back();
  if (outside && !extrapolate_) out_of_range(x);
  // The segment [i, i+1] holding x; outside the range, the outermost segment on that side.
  const auto upper = std::upper_bound(tokens_.begin(), tokens_.end(), x);
  const auto last = static_cast<std::ptrdiff_t>(tokens_.size()) - 2;
  const std::size_t i = std::clamp<std::ptrdiff_t>(upper - tokens_.begin() - 1, 0, last);
  const double w = (x - tokens_[i]) / (tokens_[i + 1] - tokens_[i]);
  // (1-w)·a + w·b, not a + w·(b-a): exact at both ends, so measured points come back verbatim.
  const auto lerp = [w](double a, double b) { return std::max(0.0, (1.0 - w) * a + w * b); };
  return {lerp(times_[i].layer_s, times_[i + 1].layer_s),
          lerp(times_[i].embedding_s, times_[i + 1].embedding_s)};
}

void ProfileTable::out_of_range(double x) const {
  throw Error("profile table " + source_ + " covers " + std::to_string(long(min_tokens())) +
              " to " + std::to_string(long(max_tokens())) + " tokens, but an iteration has " +
              std::to_string(long(std::llround(x))) +
              " (measure more points or set execution.extrapolate: true)");
}

}  // namespace xpusim::model
