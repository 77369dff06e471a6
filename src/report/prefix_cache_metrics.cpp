#include "xpusim/report/prefix_cache_metrics.hpp"

#include <string>

namespace xpusim::report {

void PrefixCacheMetrics::on_prefix_lookup(const systems::PrefixLookupRecord& r) {
  saved_tokens_ += r.hit_tokens;
  promotions_ += r.host_hit_blocks;
  if (r.readmission) return;
  host_hit_blocks_ += r.host_hit_blocks;
  ++lookups_;
  prompt_tokens_ += r.prompt_tokens;
  hit_tokens_ += r.hit_tokens;
  prompt_blocks_ += r.prompt_blocks;
  hit_blocks_ += r.hit_blocks;
  if (r.hit_blocks > 0) ++hit_requests_;
}

void PrefixCacheMetrics::on_prefix_eviction(const systems::PrefixEvictionRecord& r) {
  ++evictions_;
  if (r.demoted) ++demotions_;
  ++evictions_by_type_[static_cast<std::size_t>(r.type)];
}

void PrefixCacheMetrics::on_prefix_regret(int, TimeNs) { ++regrets_; }

void PrefixCacheMetrics::on_request_done(const systems::RequestRecord& r) {
  if (r.outcome != systems::RequestOutcome::Completed || r.first_token_ns < 0) return;
  const double ttft = ns_to_seconds(r.first_token_ns - r.arrival_ns);
  (r.cached_prompt_tokens > 0 ? ttft_hit_s_ : ttft_miss_s_).add(ttft);
}

namespace {
nlohmann::json ratio(std::int64_t num, std::int64_t den) {
  return den > 0 ? nlohmann::json(static_cast<double>(num) / static_cast<double>(den))
                 : nlohmann::json(nullptr);
}
}  // namespace

nlohmann::json PrefixCacheMetrics::summary() const {
  nlohmann::json j;
  j["lookups"] = lookups_;
  j["hit_requests"] = hit_requests_;
  j["hit_rate_tokens"] = ratio(hit_tokens_, prompt_tokens_);
  j["hit_rate_blocks"] = ratio(hit_blocks_, prompt_blocks_);
  j["prompt_tokens"] = prompt_tokens_;
  j["hit_tokens"] = hit_tokens_;
  j["prefill_tokens_saved"] = saved_tokens_;
  j["evictions"] = evictions_;
  nlohmann::json by_type = nlohmann::json::object();
  for (std::size_t t = 0; t < workload::kTokenTypes; ++t)
    by_type[std::string(workload::token_type_name(static_cast<workload::TokenType>(t)))] =
        evictions_by_type_[t];
  j["evictions_by_type"] = by_type;
  j["regrets"] = regrets_;
  j["host_tier"] = {{"hit_rate_blocks", ratio(host_hit_blocks_, prompt_blocks_)},
                    {"promotions", promotions_},
                    {"demotions", demotions_}};
  j["ttft_hit_s"] = ttft_hit_s_.to_json();
  j["ttft_miss_s"] = ttft_miss_s_.to_json();
  return j;
}

}  // namespace xpusim::report
