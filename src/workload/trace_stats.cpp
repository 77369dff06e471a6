#include "xpusim/workload/trace_stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace xpusim::workload {
namespace {

// Nearest rank in integers (q in parts per million) so p90 of 10 values is rank 9, never 10.
std::int32_t percentile(const std::vector<std::int32_t>& sorted, std::int64_t q_ppm) {
  const auto n = static_cast<std::int64_t>(sorted.size());
  const std::int64_t rank = std::clamp<std::int64_t>((q_ppm * n + 999'999) / 1'000'000, 1, n);
  return sorted[static_cast<std::size_t>(rank - 1)];
}

TraceStats::Lengths summarize(std::vector<std::int32_t>& values) {
  TraceStats::Lengths out;
  if (values.empty()) return out;
  std::sort(values.begin(), values.end());
  double sum = 0;  // exact: integer token counts summed in a double stay exact below 2^53
  for (const std::int32_t v : values) sum += v;
  out.mean = sum / static_cast<double>(values.size());
  out.p50 = percentile(values, 500'000);
  out.p90 = percentile(values, 900'000);
  out.p99 = percentile(values, 990'000);
  out.max = values.back();
  return out;
}

}  // namespace

void TraceStats::add(const TraceRow& row) {
  if (requests_ == 0) {
    first_ns_ = row.offset_ns;
  } else {
    const double gap_s = ns_to_seconds(row.offset_ns - last_ns_);
    const double count = static_cast<double>(requests_);  // gaps so far, this one included
    const double delta = gap_s - gap_mean_s_;
    gap_mean_s_ += delta / count;
    gap_m2_ += delta * (gap_s - gap_mean_s_);
  }
  last_ns_ = row.offset_ns;
  ++requests_;
  prompt_tokens_.push_back(row.prompt_tokens);
  output_tokens_.push_back(row.output_tokens);
  for (const std::uint64_t block : row.prefix_hashes) {
    ++block_references_;
    if (!seen_blocks_.insert(block).second) ++repeated_references_;
  }
}

TraceStats::Summary TraceStats::summary() {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  Summary s;
  s.requests = requests_;
  s.span_s = ns_to_seconds(last_ns_ - first_ns_);
  const double gaps = static_cast<double>(requests_ - 1);
  s.rate_per_s = requests_ > 1 && s.span_s > 0 ? gaps / s.span_s : kNaN;
  s.interarrival_cv =
      requests_ > 1 && gap_mean_s_ > 0 ? std::sqrt(gap_m2_ / gaps) / gap_mean_s_ : kNaN;
  s.prompt = summarize(prompt_tokens_);
  s.output = summarize(output_tokens_);
  s.has_prefix = block_references_ > 0;
  s.block_references = block_references_;
  s.repeated_references = repeated_references_;
  s.distinct_blocks = static_cast<std::int64_t>(seen_blocks_.size());
  if (requests_ > 0)
    s.blocks_per_request = static_cast<double>(block_references_) / static_cast<double>(requests_);
  if (block_references_ > 0)
    s.block_reuse =
        static_cast<double>(repeated_references_) / static_cast<double>(block_references_);
  return s;
}

}  // namespace xpusim::workload
