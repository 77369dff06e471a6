#pragma once
// Sends a request to the instance most likely to hold the longest prefix of its KV blocks, unless
// that instance is overloaded, then to the least loaded one. Which instance holds what is the
// router's own record of the block hashes it sent where (bounded, least recently routed blocks
// forgotten first) — the approximation SGLang's cache-aware router makes — so it works without
// asking instances about their caches.
// Cost per request: the least loaded instance comes from a LoadTracker (O(log n) per changed
// instance when the view reports its changes), and only the instances believed to hold the
// request's first block can match at all, so only those (found in an index of block hash ->
// instances) are matched: O(log n + c log c + c x matched blocks + the request's blocks), c =
// instances holding the first block, instead of matching every instance. Picks exactly what
// matching every instance picks (checked in invariant builds).
#include <cstdint>
#include <list>
#include <unordered_map>
#include <utility>
#include <vector>

#include "xpusim/core/param_binding.hpp"
#include "xpusim/policy/routing/load_tracker.hpp"
#include "xpusim/policy/routing/router.hpp"

namespace xpusim::policy {

class PrefixAffinityRouter final : public Router {
 public:
  struct Config {
    double load_cap = 1.5;             // overloaded: outstanding > cap x least + slack
    std::int64_t load_slack = 2;       // requests of headroom before the cap applies
    std::int64_t tracked_blocks = 65536;  // block hashes remembered per instance
  };
  explicit PrefixAffinityRouter(Config config) : config_(config) {}
  static const ParamBinding<Config>& binding();

  std::size_t choose_instance(const RoutingView& view, const RouteRequest& request) override;
  void on_load_changed(std::size_t instance) override { tracker_.mark_changed(instance); }
  // Leading blocks of `hashes` the router believes `instance` holds (for tests and views).
  std::size_t matched_prefix(std::size_t instance, const std::vector<std::uint64_t>& hashes) const;

 private:
  // Block hashes routed to one instance, most recently routed last.
  struct Tracked {
    std::list<std::uint64_t> order;
    std::unordered_map<std::uint64_t, std::list<std::uint64_t>::iterator> where;
  };
  void remember(std::size_t instance, const std::vector<std::uint64_t>& hashes);
  static std::size_t least_outstanding(const RoutingView& view);  // the scan
  // The longest believed match (ties to the less loaded, then the lower index), starting from
  // `least`, over `candidates` (ascending): every instance, or those holding the first block.
  template <typename Candidates>
  std::pair<std::size_t, std::size_t> best_match(const RoutingView& view, std::size_t least,
                                                 const std::vector<std::uint64_t>& hashes,
                                                 const Candidates& candidates) const;

  struct KeyOf {
    std::int64_t operator()(const RoutingView& v, std::size_t i) const { return v.outstanding(i); }
  };
  Config config_;
  std::vector<Tracked> tracked_;
  // Block hash -> the instances whose Tracked holds it (unordered).
  std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> holders_;
  std::vector<std::uint32_t> candidates_;  // scratch
  LoadTracker<std::int64_t, KeyOf> tracker_{KeyOf{}};
};

}  // namespace xpusim::policy
