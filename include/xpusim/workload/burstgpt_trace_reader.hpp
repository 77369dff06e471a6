#pragma once
#include <array>

#include "xpusim/workload/csv_reader.hpp"
#include "xpusim/workload/trace_reader.hpp"

namespace xpusim::workload {

// Reads BurstGPT traces (Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type;
// columns found by header name), optionally keeping one model or log type, and skipping or
// raising the zero-token rows BurstGPT uses for failed requests.
class BurstGptTraceReader final : public TraceReader {
 public:
  enum Column { kTimestamp, kModel, kRequest, kResponse, kTotal, kLogType };
  static constexpr std::array<const char*, 6> kColumnNames = {
      "Timestamp", "Model", "Request tokens", "Response tokens", "Total tokens", "Log Type"};
  static constexpr const char* kHeader =
      "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type";

  BurstGptTraceReader(const std::filesystem::path& path, TraceOptions options);
  bool next(TraceRow& row) override;
  bool has_tenants() const override { return false; }
  std::int64_t failed_rows() const override { return failed_rows_; }
  std::int64_t skipped_rows() const override { return skipped_rows_; }
  std::string location() const override { return csv_.location(); }

 private:
  void read_header();
  // Parses the current line; false when the row is dropped (filtered out or failed and skipped).
  bool read_row(TraceRow& row);
  bool passes_filters() const;
  [[noreturn]] void fail_no_rows() const;

  CsvReader csv_;
  TraceOptions options_;
  std::array<int, kColumnNames.size()> index_of_{};  // header position, -1 when absent
  std::size_t column_count_ = 0;
  TimeNs previous_ns_ = 0;
  std::int64_t rows_read_ = 0;
  std::int64_t rows_returned_ = 0;
  std::int64_t failed_rows_ = 0;
  std::int64_t skipped_rows_ = 0;
};

}  // namespace xpusim::workload
