#include "xpusim/experiments/measured_run.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <map>

#include "xpusim/core/error.hpp"
#include "xpusim/model/csv_cells.hpp"

namespace xpusim::experiments {
namespace {

constexpr std::array<const char*, 6> kColumns{"arrival_s", "prompt_tokens", "output_tokens",
                                              "ttft_s",    "tpot_s",        "e2e_s"};

double number(const std::filesystem::path& path, int line, const std::string& cell,
              const char* column) {
  double v = 0;
  const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), v);
  if (cell.empty() || ec != std::errc() || end != cell.data() + cell.size() || !std::isfinite(v) ||
      v < 0)
    throw Error(path.string() + ":" + std::to_string(line) + ": column '" + column + "': '" +
                cell + "' is not a non-negative number");
  return v;
}

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double pos = q * double(v.size() - 1);
  const auto i = static_cast<std::size_t>(std::floor(pos));
  const double w = pos - double(i);
  return i + 1 < v.size() ? (1 - w) * v[i] + w * v[i + 1] : v[i];
}

LatencyStats stats_of(const std::vector<double>& v) {
  LatencyStats s;
  if (v.empty()) return s;
  double sum = 0;
  for (double x : v) sum += x;
  s.mean = sum / double(v.size());
  s.p50 = percentile(v, 0.5);
  s.p99 = percentile(v, 0.99);
  return s;
}

}  // namespace

std::vector<MeasuredRequest> read_measured_csv(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw Error("cannot open measured results " + path.string());
  std::string line;
  if (!std::getline(in, line)) throw Error(path.string() + ": empty file, expected a header");
  const auto header = model::split_csv_cells(line);
  std::map<std::string, std::size_t> at;
  for (std::size_t i = 0; i < header.size(); ++i) at.emplace(header[i], i);
  std::array<std::size_t, kColumns.size()> col{};
  for (std::size_t i = 0; i < kColumns.size(); ++i) {
    const auto it = at.find(kColumns[i]);
    if (it == at.end())
      throw Error(path.string() + ":1: no column '" + kColumns[i] +
                  "' (needs arrival_s, prompt_tokens, output_tokens, ttft_s, tpot_s, e2e_s)");
    col[i] = it->second;
  }
  std::vector<MeasuredRequest> out;
  int n = 1;
  while (std::getline(in, line)) {
    ++n;
    if (model::trim_csv_cell(line).empty()) continue;
    const auto cells = model::split_csv_cells(line);
    if (cells.size() != header.size())
      throw Error(path.string() + ":" + std::to_string(n) + ": " + std::to_string(cells.size()) +
                  " cells, but the header has " + std::to_string(header.size()));
    std::array<double, kColumns.size()> v{};
    for (std::size_t i = 0; i < kColumns.size(); ++i)
      v[i] = number(path, n, cells[col[i]], kColumns[i]);
    if (v[1] < 1 || v[2] < 1 || v[1] != std::floor(v[1]) || v[2] != std::floor(v[2]))
      throw Error(path.string() + ":" + std::to_string(n) +
                  ": prompt_tokens and output_tokens must be whole numbers >= 1");
    out.push_back({v[0], long(v[1]), long(v[2]), v[3], v[4], v[5]});
  }
  if (out.empty()) throw Error(path.string() + ": no requests");
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.arrival_s < b.arrival_s;
  });
  return out;
}

void write_trace(const std::vector<MeasuredRequest>& requests, const std::filesystem::path& path) {
  std::ofstream out(path);
  if (!out) throw Error("cannot write " + path.string());
  out << "arrival_s,prompt_tokens,output_tokens\n" << std::fixed << std::setprecision(9);
  for (const auto& r : requests)
    out << r.arrival_s << ',' << r.prompt_tokens << ',' << r.output_tokens << '\n';
  if (!out) throw Error("cannot write " + path.string());
}

const char* to_string(Metric m) {
  switch (m) {
    case Metric::Ttft:
      return "TTFT";
    case Metric::Tpot:
      return "TPOT";
    case Metric::E2e:
      break;
  }
  return "E2E";
}

const LatencyStats& RunStats::of(Metric m) const {
  return m == Metric::Ttft ? ttft : m == Metric::Tpot ? tpot : e2e;
}

RunStats run_stats(const std::vector<MeasuredRequest>& rs) {
  std::vector<double> ttft, tpot, e2e;
  double first = 1e300, last = 0, tokens = 0;
  for (const auto& r : rs) {
    ttft.push_back(r.ttft_s);
    if (r.output_tokens > 1) tpot.push_back(r.tpot_s);
    e2e.push_back(r.e2e_s);
    first = std::min(first, r.arrival_s);
    last = std::max(last, r.arrival_s + r.e2e_s);
    tokens += double(r.output_tokens);
  }
  RunStats s{stats_of(ttft), stats_of(tpot), stats_of(e2e), 0};
  if (last > first) s.throughput_tok_s = tokens / (last - first);
  return s;
}

}  // namespace xpusim::experiments
