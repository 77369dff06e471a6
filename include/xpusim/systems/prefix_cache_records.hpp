#pragma once
// What a serving instance's prefix cache publishes (report implements the observer).
#include <cstdint>

#include "xpusim/core/time.hpp"
#include "xpusim/workload/token_type.hpp"

namespace xpusim::systems {

// One admission's prefix lookup.
struct PrefixLookupRecord {
  std::uint64_t request_id = 0;
  int instance = -1;
  TimeNs now = 0;
  std::int64_t prompt_tokens = 0;  // tokens the prefill would process without the cache
  std::int64_t prompt_blocks = 0;  // full prompt blocks with an identity (lookup candidates)
  std::int64_t hit_blocks = 0;      // device and host tier together
  std::int64_t hit_tokens = 0;      // prefill tokens skipped
  std::int64_t host_hit_blocks = 0;  // of which copied back from the host tier
  bool readmission = false;        // a recompute-preempted request coming back
};

struct PrefixEvictionRecord {
  int instance = -1;
  TimeNs now = 0;
  workload::TokenType type = workload::TokenType::Unknown;
  TimeNs idle_ns = 0;  // since its last reference was dropped
  bool demoted = false;  // copied to the host tier rather than dropped
};

class PrefixCacheObserver {
 public:
  virtual ~PrefixCacheObserver() = default;
  virtual void on_prefix_lookup(const PrefixLookupRecord& record) = 0;
  virtual void on_prefix_eviction(const PrefixEvictionRecord& record) = 0;
  // A lookup missed a block that had been evicted (counted once per lookup).
  virtual void on_prefix_regret(int /*instance*/, TimeNs /*now*/) {}
};

}  // namespace xpusim::systems
