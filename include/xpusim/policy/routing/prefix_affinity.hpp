#pragma once
// Sends a request to the instance most likely to hold the longest prefix of its KV blocks, unless
// that instance is overloaded, then to the least loaded one. Which instance holds what is the
// router's own record of the block hashes it sent where (bounded, least recently routed blocks
// forgotten first) — the approximation SGLang's cache-aware router makes — so it works without
// asking instances about their caches.
#include <cstdint>
#include <list>
#include <unordered_map>
#include <vector>

#include "xpusim/core/param_binding.hpp"
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
  // Leading blocks of `hashes` the router believes `instance` holds (for tests and views).
  std::size_t matched_prefix(std::size_t instance, const std::vector<std::uint64_t>& hashes) const;

 private:
  // Block hashes routed to one instance, most recently routed last.
  struct Tracked {
    std::list<std::uint64_t> order;
    std::unordered_map<std::uint64_t, std::list<std::uint64_t>::iterator> where;
  };
  void remember(std::size_t instance, const std::vector<std::uint64_t>& hashes);
  std::size_t least_outstanding(const RoutingView& view) const;

  Config config_;
  std::vector<Tracked> tracked_;
};

}  // namespace xpusim::policy
