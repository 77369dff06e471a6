#pragma once
#include <array>

#include "xpusim/workload/csv_reader.hpp"
#include "xpusim/workload/trace_reader.hpp"

namespace xpusim::workload {

// Reads xpusim's own CSV trace: arrival_s,prompt_tokens,output_tokens plus any of the optional
// columns tenant, session, priority, ttft_slo_s, tpot_slo_s, prefix_hashes, found by header name.
class XpusimTraceReader final : public TraceReader {
 public:
  enum Column { kArrival, kPrompt, kOutput, kTenant, kSession, kPriority, kTtft, kTpot, kPrefix };
  static constexpr std::array<const char*, 9> kColumnNames = {
      "arrival_s", "prompt_tokens", "output_tokens", "tenant",       "session",
      "priority",  "ttft_slo_s",    "tpot_slo_s",    "prefix_hashes"};
  static constexpr std::size_t kRequiredColumns = 3;

  explicit XpusimTraceReader(const std::filesystem::path& path);
  bool next(TraceRow& row) override;
  bool has_tenants() const override { return index_of_[kTenant] >= 0; }
  std::string location() const override { return csv_.location(); }

 private:
  void read_header();
  void read_optional(TraceRow& row);
  void read_prefix_hashes(std::string_view text, std::vector<std::uint64_t>& out);
  // The field of `column` in the current line, or empty when the header lacks it.
  std::string_view field_of(Column column) const;

  CsvReader csv_;
  std::array<int, kColumnNames.size()> index_of_{};  // header position, -1 when absent
  std::size_t column_count_ = 0;
  TimeNs previous_ns_ = 0;
  std::int64_t rows_ = 0;
  std::vector<std::string_view> scratch_;
};

}  // namespace xpusim::workload
