#include "xpusim/workload/trace_source.hpp"

#include <cmath>

#include "xpusim/core/error.hpp"
#include "xpusim/core/rng.hpp"
#include "xpusim/workload/csv_reader.hpp"

namespace xpusim::workload {

const ParamBinding<TraceSource::Config>& TraceSource::binding() {
  using TenantBy = Config::TenantBy;
  static const auto b =
      ParamBinding<Config>()
          .choice(XPUSIM_KEY(Config, format), trace_format_choices(),
                  "trace file format: azure (TIMESTAMP,ContextTokens,GeneratedTokens), xpusim "
                  "(arrival_s,prompt_tokens,output_tokens[,tenant,...]), burstgpt (BurstGPT CSV) "
                  "or mooncake (JSON lines with hash_ids); see docs/traces.md")
          .string(XPUSIM_KEY(Config, path), "trace file, relative to the scenario file")
          .required()
          .real(XPUSIM_KEY(Config, time_scale), "",
                "multiplies arrival offsets: 2 replays at half the rate, 0.5 at twice the rate",
                {.min = 0, .max = 1e6, .min_exclusive = true})
          .integer(XPUSIM_KEY(Config, max_requests), "", "replay at most this many rows (0: all)",
                   {.min = 0})
          .real(XPUSIM_KEY(Config, start_s), "s",
                "skip rows whose trace offset is before this; kept arrivals are offset - start_s",
                {.min = 0, .max = 9e9})
          .real(XPUSIM_KEY(Config, ttft_slo_s), "s",
                "TTFT SLO for rows without a ttft_slo_s column (0: none)", {.min = 0})
          .real(XPUSIM_KEY(Config, tpot_slo_s), "s",
                "TPOT SLO for rows without a tpot_slo_s column (0: none)", {.min = 0})
          .string("model_filter", [](auto& c) -> auto& { return c.options.model_filter; },
                  "burstgpt only: replay only rows whose Model is this (\"\": all)")
          .string("log_type_filter", [](auto& c) -> auto& { return c.options.log_type_filter; },
                  "burstgpt only: replay only rows whose Log Type is this (\"\": all)")
          .choice("failed_rows", [](auto& c) -> auto& { return c.options.skip_failed; },
                  {{"skip", true}, {"clamp", false}},
                  "burstgpt only: rows with 0 request or response tokens (failed requests) are "
                  "skipped, or replayed with those counts raised to 1")
          .integer(XPUSIM_KEY(Config, hash_block_tokens), "tokens",
                   "prompt tokens each prefix hash stands for (mooncake: 512), for prefix caching",
                   {.min = 1, .max = 1e6})
          .choice(XPUSIM_KEY(Config, tenant_by),
                  {{"column", TenantBy::Column}, {"session_hash", TenantBy::SessionHash}},
                  "tenant of each request: the trace's tenant column (xpusim format; others have "
                  "one tenant), or a hash of its session (of its row index when it has none) "
                  "into hash_tenants tenants")
          .integer(XPUSIM_KEY(Config, hash_tenants), "",
                   "tenants t0..tN-1 for tenant_by: session_hash", {.min = 1, .max = 1'000'000})
          .rule([](const Config& c) {
            if (c.path.empty())
              throw ParamError("path", "key 'path': empty (expected a trace file path)");
            // A filter the format cannot apply would be ignored silently, so it is an error.
            const std::pair<const char*, const std::string*> filters[] = {
                {"model_filter", &c.options.model_filter},
                {"log_type_filter", &c.options.log_type_filter}};
            for (const auto& [key, value] : filters)
              if (!value->empty() && c.format != TraceFormat::BurstGpt)
                throw ParamError(key, std::string("key '") + key +
                                          "': only format burstgpt has this column "
                                          "(expected it unset for format " +
                                          to_string(c.format) + ")");
          });
  return b;
}

TraceSource::TraceSource(Config config)
    : config_(std::move(config)), start_ns_(seconds_to_ns(config_.start_s)) {
  XPUSIM_CHECK(config_.time_scale > 0 && config_.max_requests >= 0, "bad trace source config");
  reader_ = open_trace(config_.format, config_.path, config_.options);
  if (config_.tenant_by == Config::TenantBy::SessionHash) {
    for (std::int32_t t = 0; t < config_.hash_tenants; ++t) {
      std::string name(1, 't');
      name += std::to_string(t);
      tenant_names_.push_back(std::move(name));
    }
  } else if (reader_->has_tenants())
    collect_tenants();
  else
    tenant_names_.push_back("default");
  if (!next_in_window(*reader_, row_, kept_))
    throw Error(config_.path.string() + ": no rows at or after start_s = " +
                std::to_string(config_.start_s) + " s (expected a start_s inside the trace)");
  pending_ = to_request(row_);
}

bool TraceSource::next_in_window(TraceReader& reader, TraceRow& row, std::int64_t& kept) const {
  if (config_.max_requests > 0 && kept >= config_.max_requests) return false;
  while (reader.next(row)) {
    if (row.offset_ns < start_ns_) continue;
    ++kept;
    return true;
  }
  return false;
}

// Tenant indices follow first appearance among the kept rows, the order a reader of the
// file would list them in.
void TraceSource::collect_tenants() {
  require_rereadable(config_.path, "collecting the tenant column's names");
  auto reader = open_trace(config_.format, config_.path, config_.options);
  TraceRow row;
  std::int64_t kept = 0;
  while (next_in_window(*reader, row, kept)) {
    const std::string& name = row.tenant.empty() ? std::string("default") : row.tenant;
    if (tenant_index_.find(name) != tenant_index_.end()) continue;
    tenant_index_.emplace(name, static_cast<std::int32_t>(tenant_names_.size()));
    tenant_names_.push_back(name);
  }
}

TimeNs TraceSource::scaled(TimeNs offset_ns) const {
  const TimeNs delta = offset_ns - start_ns_;
  if (config_.time_scale == 1.0) return delta;
  // long double keeps the product exact to well below a nanosecond for week-long traces.
  const long double t = static_cast<long double>(delta) * config_.time_scale;
  if (t >= 9.2e18L)
    throw Error(reader_->location() +
                ": arrival after time_scale does not fit in int64 "
                "nanoseconds (expected a smaller time_scale)");
  return static_cast<TimeNs>(std::llroundl(t));
}

Request TraceSource::to_request(TraceRow& row) {
  Request r;
  r.id = static_cast<std::uint64_t>(kept_ - 1);
  r.arrival_ns = scaled(row.offset_ns);
  r.prompt_tokens = row.prompt_tokens;
  r.output_tokens = row.output_tokens;
  if (config_.tenant_by == Config::TenantBy::SessionHash) {
    // SplitMix64 of the session: the same session always lands on the same tenant.
    std::uint64_t state = row.session != 0 ? row.session : r.id ^ 0x9e3779b97f4a7c15ULL;
    r.tenant = static_cast<std::int32_t>(splitmix64(state) % static_cast<std::uint64_t>(config_.hash_tenants));
  } else if (reader_->has_tenants()) {
    const auto it = tenant_index_.find(row.tenant.empty() ? std::string_view("default")
                                                          : std::string_view(row.tenant));
    XPUSIM_CHECK(it != tenant_index_.end(), "tenant missed by the first pass: " + row.tenant);
    r.tenant = it->second;
  }
  r.session = row.session;
  r.priority = row.priority;
  r.ttft_slo_s = row.ttft_slo_s.value_or(config_.ttft_slo_s);
  r.tpot_slo_s = row.tpot_slo_s.value_or(config_.tpot_slo_s);
  r.prefix_hashes = std::move(row.prefix_hashes);  // the reader refills the row next time
  return r;
}

std::optional<Request> TraceSource::next() {
  std::optional<Request> out = std::move(pending_);
  pending_.reset();
  if (out && next_in_window(*reader_, row_, kept_)) pending_ = to_request(row_);
  return out;
}

}  // namespace xpusim::workload
