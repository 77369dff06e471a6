#pragma once
// Prefix-cache statistics for summary.json's `prefix_cache` object: hit rate by tokens and by
// blocks, prefill tokens saved, evictions (by token type), regrets, and TTFT of requests whose
// first admission hit the cache versus those that missed.
#include <array>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "xpusim/report/sample_summary.hpp"
#include "xpusim/systems/prefix_cache_records.hpp"
#include "xpusim/systems/serving_records.hpp"

namespace xpusim::report {

class PrefixCacheMetrics final : public systems::RequestLifecycleObserver,
                                 public systems::PrefixCacheObserver {
 public:
  // systems::PrefixCacheObserver
  void on_prefix_lookup(const systems::PrefixLookupRecord& record) override;
  void on_prefix_eviction(const systems::PrefixEvictionRecord& record) override;
  void on_prefix_regret(int instance, TimeNs now) override;
  // systems::RequestLifecycleObserver: only completed requests matter (TTFT split).
  void on_request_done(const systems::RequestRecord& record) override;

  nlohmann::json summary() const;
  std::int64_t hit_tokens() const { return hit_tokens_; }
  std::int64_t prompt_tokens() const { return prompt_tokens_; }
  std::int64_t evictions() const { return evictions_; }

 private:
  // First admissions only, so the hit rate is a property of workload and cache, not of how
  // often requests were preempted.
  std::int64_t lookups_ = 0;
  std::int64_t prompt_tokens_ = 0;
  std::int64_t hit_tokens_ = 0;
  std::int64_t prompt_blocks_ = 0;
  std::int64_t hit_blocks_ = 0;
  std::int64_t hit_requests_ = 0;
  std::int64_t saved_tokens_ = 0;  // every admission, readmissions included
  std::int64_t host_hit_blocks_ = 0;  // first admissions
  std::int64_t promotions_ = 0;       // blocks copied back from the host tier, every admission
  std::int64_t demotions_ = 0;
  std::int64_t evictions_ = 0;
  std::array<std::int64_t, workload::kTokenTypes> evictions_by_type_{};
  std::int64_t regrets_ = 0;
  SampleSummary ttft_hit_s_;
  SampleSummary ttft_miss_s_;
};

}  // namespace xpusim::report
