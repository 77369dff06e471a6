#pragma once
#include <map>
#include <memory>

#include "xpusim/core/param_binding.hpp"
#include "xpusim/workload/request_source.hpp"
#include "xpusim/workload/trace_reader.hpp"

namespace xpusim::workload {

// Replays a trace file, streaming: a window [start_s, end of file) of at most max_requests rows,
// arrivals shifted to start at start_s and stretched by time_scale.
class TraceSource final : public RequestSource {
 public:
  struct Config {
    TraceFormat format = TraceFormat::Xpusim;
    std::filesystem::path path;  // the factory resolves it against the context's base_dir
    double time_scale = 1;
    std::int64_t max_requests = 0;  // 0: all
    double start_s = 0;
    double ttft_slo_s = 0;  // for rows that state none; 0: none
    double tpot_slo_s = 0;
    TraceOptions options;                  // burstgpt filters and failed-row handling
    std::int32_t hash_block_tokens = 512;  // prompt tokens per prefix hash entry
    // Tenant assignment: the trace's tenant column, or a hash of the session (of the request
    // id when a row has no session) into `hash_tenants` tenants.
    enum class TenantBy { Column, SessionHash } tenant_by = TenantBy::Column;
    std::int32_t hash_tenants = 8;
  };

  static const ParamBinding<Config>& binding();

  // Opens the trace and reads up to the first kept row, so a missing file, a bad header or an
  // empty window is reported now rather than mid-run. A trace with tenant names is read through
  // once more first, so tenants() is complete before the first request.
  explicit TraceSource(Config config);
  std::optional<Request> next() override;
  const std::vector<std::string>& tenants() const override { return tenant_names_; }
  std::int32_t prefix_block_tokens() const override { return config_.hash_block_tokens; }
  // Rows whose output length was raised to 1 (Azure and Mooncake rows with 0 output tokens).
  std::int64_t clamped_output_rows() const { return reader_->clamped_output_rows(); }
  // BurstGPT rows marked failed (0 tokens), and rows dropped by failure or filter, so far.
  std::int64_t failed_rows() const { return reader_->failed_rows(); }
  std::int64_t skipped_rows() const { return reader_->skipped_rows(); }

 private:
  // Advances `reader` to the next row inside the window; `kept` counts rows kept so far.
  bool next_in_window(TraceReader& reader, TraceRow& row, std::int64_t& kept) const;
  void collect_tenants();
  Request to_request(TraceRow& row);
  TimeNs scaled(TimeNs offset_ns) const;

  Config config_;
  TimeNs start_ns_ = 0;
  std::unique_ptr<TraceReader> reader_;
  TraceRow row_;
  std::optional<Request> pending_;
  std::int64_t kept_ = 0;
  std::vector<std::string> tenant_names_;
  std::map<std::string, std::int32_t, std::less<>> tenant_index_;
};

}  // namespace xpusim::workload
