#include "xpusim/model/attention_table.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <set>

#include "xpusim/core/error.hpp"
#include "xpusim/model/csv_cells.hpp"

namespace xpusim::model {
namespace {

constexpr const char* kTp = "num_tensor_parallel_workers";
constexpr const char* kIsPrefill = "is_prefill";
constexpr const char* kBatch = "batch_size";
constexpr const char* kChunk = "prefill_chunk_size";
constexpr const char* kKv = "kv_cache_size";
constexpr std::array<const char*, 3> kShapeColumns{"n_embd", "n_q_head", "n_kv_head"};

// Linear in w between a and b, exact at both ends, never below zero.
double lerp(double a, double b, double w) { return std::max(0.0, (1.0 - w) * a + w * b); }

// Index i of the segment [i, i+1] of `axis` (size >= 2) holding x, the outermost one outside.
std::size_t segment(const std::vector<double>& axis, double x) {
  const auto upper = std::upper_bound(axis.begin(), axis.end(), x);
  const auto last = static_cast<std::ptrdiff_t>(axis.size()) - 2;
  return static_cast<std::size_t>(std::clamp<std::ptrdiff_t>(upper - axis.begin() - 1, 0, last));
}

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
      fail(line, "attention table has no column '" + name +
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
  double whole(int line, const std::string& cell, const std::string& name, double min) const {
    const double v = number(line, cell, name);
    if (v < min || v != std::floor(v) || v > 1e9)
      fail(line, "column '" + name + "': '" + cell + "' is not a whole number >= " +
                     std::to_string(int(min)));
    return v;
  }
  double millis(int line, const std::string& cell, const std::string& name) const {
    const double v = number(line, cell, name);
    if (v < 0) fail(line, "column '" + name + "': negative time " + cell + " ms");
    return v * 1e-3;
  }
  bool boolean(int line, const std::string& cell, const std::string& name) const {
    if (cell == "True" || cell == "true" || cell == "1") return true;
    if (cell == "False" || cell == "false" || cell == "0") return false;
    fail(line, "column '" + name + "': '" + cell + "' is not True or False");
  }

 private:
  std::filesystem::path path_;
};

struct Columns {
  std::size_t tp = 0, is_prefill = 0, batch = 0, chunk = 0, kv = 0, prefill = 0, decode = 0;
  std::optional<std::size_t> save;  // KV-cache write, added to both kinds where present
  std::array<std::optional<std::size_t>, kShapeColumns.size()> shape{};
};

Columns find_columns(const Reader& r, int line, const std::vector<std::string>& cells,
                     ProfileStatistic stat) {
  std::map<std::string, std::size_t> header;
  for (std::size_t i = 0; i < cells.size(); ++i) header.emplace(cells[i], i);
  const std::string suffix = std::string(".") + to_string(stat);
  Columns c;
  c.tp = r.column(line, header, kTp);
  c.is_prefill = r.column(line, header, kIsPrefill);
  c.batch = r.column(line, header, kBatch);
  c.chunk = r.column(line, header, kChunk);
  c.kv = r.column(line, header, kKv);
  c.prefill = r.column(line, header, "time_stats.attn_prefill" + suffix);
  c.decode = r.column(line, header, "time_stats.attn_decode" + suffix);
  if (const auto it = header.find("time_stats.attn_kv_cache_save" + suffix); it != header.end())
    c.save = it->second;
  for (std::size_t i = 0; i < kShapeColumns.size(); ++i)
    if (const auto it = header.find(kShapeColumns[i]); it != header.end()) c.shape[i] = it->second;
  return c;
}

void check_shape(const Reader& r, int line, const std::vector<std::string>& cells,
                 const Columns& c, const AttentionShape& expect) {
  const std::array<std::pair<int, const char*>, kShapeColumns.size()> want{
      {{expect.hidden, "hidden"}, {expect.num_heads, "num_heads"},
       {expect.num_kv_heads, "num_kv_heads"}}};
  for (std::size_t i = 0; i < kShapeColumns.size(); ++i) {
    if (!c.shape[i]) continue;
    const double got = r.whole(line, cells[*c.shape[i]], kShapeColumns[i], 1);
    if (int(got) != want[i].first)
      r.fail(line, std::string("the attention table was measured with ") + kShapeColumns[i] +
                       " = " + std::to_string(int(got)) + " but the scenario's model has " +
                       want[i].second + " = " + std::to_string(want[i].first));
  }
}

// (outer, kv) -> (sum of seconds, count), averaged into a grid.
using Points = std::map<std::pair<double, double>, std::pair<double, int>>;

AttentionGrid to_grid(const std::string& what, const Points& points, bool extrapolate) {
  std::vector<AttentionGrid::Row> rows;
  for (const auto& [key, sum] : points) {
    if (rows.empty() || rows.back().outer != key.first) rows.push_back({key.first, {}, {}});
    rows.back().kv.push_back(key.second);
    rows.back().time_s.push_back(sum.first / sum.second);
  }
  return AttentionGrid(what, std::move(rows), extrapolate);
}

}  // namespace

AttentionGrid::AttentionGrid(std::string what, std::vector<Row> rows, bool extrapolate)
    : what_(std::move(what)), rows_(std::move(rows)), extrapolate_(extrapolate) {
  if (rows_.empty()) throw Error(what_ + ": no measured points");
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    const Row& row = rows_[i];
    if (row.outer <= 0 || (i > 0 && row.outer <= rows_[i - 1].outer))
      throw Error(what_ + ": the outer axis must be positive and strictly increasing");
    if (row.kv.empty() || row.kv.size() != row.time_s.size())
      throw Error(what_ + ": every row needs one time per KV length");
    for (std::size_t j = 1; j < row.kv.size(); ++j)
      if (row.kv[j] <= row.kv[j - 1])
        throw Error(what_ + ": KV lengths must be strictly increasing within a row");
  }
}

std::size_t AttentionGrid::points() const {
  std::size_t n = 0;
  for (const Row& r : rows_) n += r.kv.size();
  return n;
}

double AttentionGrid::row_at(const Row& row, double kv) const {
  if (row.kv.size() == 1) {
    if (kv == row.kv.front()) return row.time_s.front();
    out_of_range("KV length", kv, row.kv.front(), row.kv.front());
  }
  if ((kv < row.kv.front() || kv > row.kv.back()) && !extrapolate_)
    out_of_range("KV length", kv, row.kv.front(), row.kv.back());
  const std::size_t i = segment(row.kv, kv);
  const double w = (kv - row.kv[i]) / (row.kv[i + 1] - row.kv[i]);
  return lerp(row.time_s[i], row.time_s[i + 1], w);
}

double AttentionGrid::at(double outer, double kv) const {
  const double lo = rows_.front().outer, hi = rows_.back().outer;
  if (rows_.size() == 1) {
    if (outer == lo) return row_at(rows_.front(), kv);
    out_of_range("size", outer, lo, hi);
  }
  if ((outer < lo || outer > hi) && !extrapolate_) out_of_range("size", outer, lo, hi);
  // Segment of the outer axis, found without building a vector of outer values.
  std::size_t i = 0;
  while (i + 2 < rows_.size() && rows_[i + 1].outer <= outer) ++i;
  const Row& a = rows_[i];
  const Row& b = rows_[i + 1];
  const double w = (outer - a.outer) / (b.outer - a.outer);
  return lerp(row_at(a, kv), row_at(b, kv), w);
}

void AttentionGrid::out_of_range(const char* axis, double value, double lo, double hi) const {
  throw Error("attention table " + what_ + " covers " + axis + " " + std::to_string(long(lo)) +
              " to " + std::to_string(long(hi)) + ", but an iteration needs " +
              std::to_string(std::llround(value)) +
              " (measure more points or set execution.extrapolate: true)");
}

AttentionTable AttentionTable::load(const Options& o, const std::optional<AttentionShape>& expect) {
  const Reader r(o.path);
  std::ifstream in(o.path);
  if (!in) throw Error("cannot open attention table " + o.path.string());
  std::string line;
  int n = 0;
  const auto next_line = [&] {  // skips blank lines and '#' comments
    while (std::getline(in, line)) {
      ++n;
      const std::string t = trim_csv_cell(line);
      if (!t.empty() && t[0] != '#') return true;
    }
    return false;
  };
  if (!next_line()) throw Error(o.path.string() + ": attention table has no header line");
  const auto header = split_csv_cells(line);
  const Columns c = find_columns(r, n, header, o.statistic);
  Points prefill, decode;
  std::set<int> tps;
  while (next_line()) {
    const auto cells = split_csv_cells(line);
    if (cells.size() != header.size())
      r.fail(n, std::to_string(cells.size()) + " cells, but the header has " +
                    std::to_string(header.size()));
    const int tp = int(r.whole(n, cells[c.tp], kTp, 1));
    tps.insert(tp);
    if (expect) check_shape(r, n, cells, c, *expect);
    const bool is_prefill = r.boolean(n, cells[c.is_prefill], kIsPrefill);
    const double kv = r.whole(n, cells[c.kv], kKv, 0);
    const std::size_t op = is_prefill ? c.prefill : c.decode;
    double seconds = r.millis(n, cells[op], header[op]);
    if (c.save && !cells[*c.save].empty()) seconds += r.millis(n, cells[*c.save], header[*c.save]);
    const double outer = is_prefill ? r.whole(n, cells[c.chunk], kChunk, 1)
                                    : r.whole(n, cells[c.batch], kBatch, 1);
    if (tp != o.tensor_parallel) continue;
    auto& [sum, count] = (is_prefill ? prefill : decode)[{outer, kv}];
    sum += seconds;
    ++count;
  }
  const std::string source =
      o.path.string() + " (tensor_parallel = " + std::to_string(o.tensor_parallel) + ")";
  if (prefill.empty() || decode.empty()) {
    std::string have;
    for (int tp : tps) have += (have.empty() ? "" : ", ") + std::to_string(tp);
    throw Error(o.path.string() + ": no " + (prefill.empty() ? "prefill" : "decode") +
                " rows with " + kTp + " = " + std::to_string(o.tensor_parallel) +
                " (the table has rows for: " + (have.empty() ? "none" : have) + ")");
  }
  return AttentionTable(to_grid(source + " prefill", prefill, o.extrapolate),
                        to_grid(source + " decode", decode, o.extrapolate));
}

}  // namespace xpusim::model
