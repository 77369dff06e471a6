#pragma once
#include "xpusim/workload/csv_reader.hpp"
#include "xpusim/workload/trace_reader.hpp"

namespace xpusim::workload {

// Reads Mooncake traces (FAST 2025 release): one JSON object per line with timestamp (ms from
// the start), input_length, output_length and hash_ids (prompt block identities, kept as
// TraceRow::prefix_hashes). Each line is parsed by nlohmann-json's SAX parser (full JSON:
// escapes such as \u0073 in keys, any whitespace); keys other than these four are ignored, with
// whatever value they hold (later releases add fields). One line in memory; numbers keep their
// exact text, so a timestamp is converted from its digits, not through a double.
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
  class RowHandler;  // the SAX handler of one line
  void read_object(TraceRow& row);

  CsvReader lines_;  // line handling only: blank lines, BOM, line numbers, located errors
  TimeNs previous_ns_ = 0;
  std::int64_t rows_ = 0;
  std::int64_t clamped_output_rows_ = 0;
};

}  // namespace xpusim::workload
