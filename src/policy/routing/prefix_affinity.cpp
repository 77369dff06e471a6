#include "xpusim/policy/routing/prefix_affinity.hpp"

#include <algorithm>
#include <numeric>

#include "xpusim/core/error.hpp"

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

std::size_t PrefixAffinityRouter::least_outstanding(const RoutingView& view) {
  std::size_t best = 0;
  for (std::size_t i = 1; i < view.instance_count(); ++i)
    if (view.outstanding(i) < view.outstanding(best)) best = i;
  return best;
}

void PrefixAffinityRouter::remember(std::size_t instance, const std::vector<std::uint64_t>& hashes) {
  Tracked& t = tracked_[instance];
  for (const std::uint64_t h : hashes) {
    const auto it = t.where.find(h);
    if (it != t.where.end()) {
      t.order.erase(it->second);
    } else {
      holders_[h].push_back(static_cast<std::uint32_t>(instance));
    }
    t.order.push_back(h);
    t.where[h] = std::prev(t.order.end());
  }
  while (static_cast<std::int64_t>(t.order.size()) > config_.tracked_blocks) {
    const std::uint64_t h = t.order.front();
    t.where.erase(h);
    t.order.pop_front();
    const auto holders = holders_.find(h);
    std::vector<std::uint32_t>& v = holders->second;
    *std::find(v.begin(), v.end(), static_cast<std::uint32_t>(instance)) = v.back();
    v.pop_back();
    if (v.empty()) holders_.erase(holders);
  }
}

template <typename Candidates>
std::pair<std::size_t, std::size_t> PrefixAffinityRouter::best_match(
    const RoutingView& view, std::size_t least, const std::vector<std::uint64_t>& hashes,
    const Candidates& candidates) const {
  std::size_t best = least, best_match = matched_prefix(least, hashes);
  for (const auto c : candidates) {
    const auto i = static_cast<std::size_t>(c);
    const std::size_t m = matched_prefix(i, hashes);
    if (m > best_match || (m == best_match && m > 0 && view.outstanding(i) < view.outstanding(best))) {
      best = i;
      best_match = m;
    }
  }
  return {best, best_match};
}

std::size_t PrefixAffinityRouter::choose_instance(const RoutingView& view,
                                                  const RouteRequest& request) {
  if (tracked_.size() < view.instance_count()) tracked_.resize(view.instance_count());
  const std::size_t least = tracker_.choose(view, least_outstanding);
  if (request.prefix_hashes == nullptr || request.prefix_hashes->empty()) return least;
  const std::vector<std::uint64_t>& hashes = *request.prefix_hashes;
  // An instance without the first block matches nothing and never replaces `best` (a match of
  // 0 neither beats nor ties usefully), so only the holders of the first block are visited, in
  // index order as the full loop would.
  candidates_.clear();
  if (const auto it = holders_.find(hashes.front()); it != holders_.end())
    for (const std::uint32_t i : it->second)
      if (i < view.instance_count()) candidates_.push_back(i);
  std::sort(candidates_.begin(), candidates_.end());
  const auto [best, best_match_len] = best_match(view, least, hashes, candidates_);
  if constexpr (kXpusimInvariants) {
    std::vector<std::size_t> all(view.instance_count());
    std::iota(all.begin(), all.end(), std::size_t{0});
    XPUSIM_CHECK(best_match(view, least, hashes, all) == std::make_pair(best, best_match_len),
                 "prefix_affinity: the candidates' best match differs from every instance's");
  }
  const double cap = config_.load_cap * static_cast<double>(view.outstanding(least)) +
                     static_cast<double>(config_.load_slack);
  const std::size_t chosen =
      best_match_len > 0 && static_cast<double>(view.outstanding(best)) <= cap ? best : least;
  remember(chosen, hashes);
  return chosen;
}

}  // namespace xpusim::policy
