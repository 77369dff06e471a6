#pragma once
#include "xpusim/workload/csv_reader.hpp"
#include "xpusim/workload/trace_reader.hpp"

namespace xpusim::workload {

// Reads the Azure LLM inference traces (2023 and 2024): TIMESTAMP,ContextTokens,GeneratedTokens.
// Arrival offsets are exact integer-nanosecond differences from the first row's timestamp.
class AzureTraceReader final : public TraceReader {
 public:
  static constexpr const char* kHeader = "TIMESTAMP,ContextTokens,GeneratedTokens";

  explicit AzureTraceReader(const std::filesystem::path& path);
  bool next(TraceRow& row) override;
  bool has_tenants() const override { return false; }
  std::int64_t clamped_output_rows() const override { return clamped_output_rows_; }
  std::string location() const override { return csv_.location(); }

 private:
  CsvReader csv_;
  TimeNs origin_ns_ = 0;
  TimeNs previous_ns_ = 0;
  std::int64_t rows_ = 0;
  std::int64_t clamped_output_rows_ = 0;
};

}  // namespace xpusim::workload
