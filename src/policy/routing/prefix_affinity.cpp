#include "xpusim/policy/routing/prefix_affinity.hpp"

namespace xpusim::policy {

const ParamBinding<PrefixAffinityRouter::Config>& PrefixAffinityRouter::binding() {
  static const auto b =
      ParamBinding<Config>()
          .real(XPUSIM_KEY(Config, load_cap), "",
                "an instance is overloaded above load_cap x the least outstanding", {.min = 1})
          .integer(XPUSIM_KEY(Config, load_slack), "requests",
                   "outstanding requests allowed above the cap", {.min = 0})
          .integer(XPUSIM_KEY(Config, tracked_blocks), "blocks",
                   "prefix block hashes remembered per instance (least recently routed forgotten)",
                   {.min = 1});
  return b;
}

std::size_t PrefixAffinityRouter::matched_prefix(std::size_t instance,
                                                 const std::vector<std::uint64_t>& hashes) const {
  if (instance >= tracked_.size()) return 0;
  const Tracked& t = tracked_[instance];
  std::size_t n = 0;
  while (n < hashes.size() && t.where.count(hashes[n])) ++n;
  return n;
}

std::size_t PrefixAffinityRouter::least_outstanding(const RoutingView& view) const {
  std::size_t best = 0;
  for (std::size_t i = 1; i < view.instance_count(); ++i)
    if (view.outstanding(i) < view.outstanding(best)) best = i;
  return best;
}

void PrefixAffinityRouter::remember(std::size_t instance, const std::vector<std::uint64_t>& hashes) {
  Tracked& t = tracked_[instance];
  for (const std::uint64_t h : hashes) {
    const auto it = t.where.find(h);
    if (it != t.where.end()) t.order.erase(it->second);
    t.order.push_back(h);
    t.where[h] = std::prev(t.order.end());
  }
  while (static_cast<std::int64_t>(t.order.size()) > config_.tracked_blocks) {
    t.where.erase(t.order.front());
    t.order.pop_front();
  }
}

std::size_t PrefixAffinityRouter::choose_instance(const RoutingView& view,
                                                  const RouteRequest& request) {
  if (tracked_.size() < view.instance_count()) tracked_.resize(view.instance_count());
  const std::size_t least = least_outstanding(view);
  if (request.prefix_hashes == nullptr || request.prefix_hashes->empty()) return least;
  const std::vector<std::uint64_t>& hashes = *request.prefix_hashes;
  // Longest believed match; ties to the less loaded, then the lower index.
  std::size_t best = least, best_match = matched_prefix(least, hashes);
  for (std::size_t i = 0; i < view.instance_count(); ++i) {
    const std::size_t m = matched_prefix(i, hashes);
    if (m > best_match || (m == best_match && m > 0 && view.outstanding(i) < view.outstanding(best))) {
      best = i;
      best_match = m;
    }
  }
  const double cap = config_.load_cap * static_cast<double>(view.outstanding(least)) +
                     static_cast<double>(config_.load_slack);
  const std::size_t chosen =
      best_match > 0 && static_cast<double>(view.outstanding(best)) <= cap ? best : least;
  remember(chosen, hashes);
  return chosen;
}

}  // namespace xpusim::policy
