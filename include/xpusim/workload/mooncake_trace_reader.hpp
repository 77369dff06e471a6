#pragma once
#include "xpusim/workload/csv_reader.hpp"
#include "xpusim/workload/trace_reader.hpp"

namespace xpusim::workload {

class JsonLineScanner;

// Reads Mooncake traces (FAST 2025 release): one JSON object per line with timestamp (ms from
// the start), input_length, output_length and hash_ids (prompt block identities, kept as
// TraceRow::prefix_hashes). Parsed by a strict hand-written scanner, one line in memory.
class MooncakeTraceReader final : public TraceReader {
 public:
  static constexpr const char* kShape =
      R"({"timestamp": MS, "input_length": N, "output_length": N, "hash_ids": [ID, ...]})";

  explicit MooncakeTraceReader(const std::filesystem::path& path);
  bool next(TraceRow& row) override;
  bool has_tenants() const override { return false; }
  std::int64_t clamped_output_rows() const override { return clamped_output_rows_; }
  std::string location() const override { return lines_.location(); }

 private:
  void read_object(TraceRow& row);
  void read_value(JsonLineScanner& scan, std::string_view key, TraceRow& row);
  TimeNs read_timestamp(JsonLineScanner& scan);
  std::int64_t read_integer(JsonLineScanner& scan, std::string_view key, std::int64_t min);
  void read_hash_ids(JsonLineScanner& scan, std::vector<std::uint64_t>& out);

  CsvReader lines_;  // line handling only: blank lines, BOM, line numbers, located errors
  TimeNs previous_ns_ = 0;
  std::int64_t rows_ = 0;
  std::int64_t clamped_output_rows_ = 0;
};

}  // namespace xpusim::workload
