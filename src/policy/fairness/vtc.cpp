#include "xpusim/policy/fairness/vtc.hpp"

#include <algorithm>
#include <limits>

namespace xpusim::policy {

const ParamBinding<VtcFairness::Config>& VtcFairness::binding() {
  static const auto b =
      ParamBinding<Config>()
          .real(XPUSIM_KEY(Config, input_weight), "",
                "price of one prompt token in the counter (w_p)", {.min = 0})
          .real(XPUSIM_KEY(Config, output_weight), "",
                "price of one output token in the counter (w_q)", {.min = 0})
          .boolean(XPUSIM_KEY(Config, lift),
                   "lift a returning tenant's counter to the least backlogged one; false = the "
                   "artifact's LCF baseline, which lets a returning tenant claim its idle time");
  return b;
}

double VtcFairness::counter(std::int32_t t) const {
  return t >= 0 && static_cast<std::size_t>(t) < counter_.size()
             ? counter_[static_cast<std::size_t>(t)]
             : 0.0;
}

double VtcFairness::admission_charge(const FairRequest& r) const {
  // A request re-admitted after a recompute preemption was charged when first admitted.
  if (r.readmission) return 0;
  return config_.input_weight * static_cast<double>(r.input_tokens) / weights_.weight(r.tenant);
}

void VtcFairness::on_enqueued(const FairRequest& r, std::size_t waiting_before,
                              const FairnessView& view) {
  const auto u = static_cast<std::size_t>(r.tenant);
  slot(r.tenant);
  if (!known_[u]) {
    known_[u] = true;
    order_.push_back(r.tenant);
  }
  if (waiting_before != 0 || !config_.lift) return;
  // Counter lift: max(own, min over the other backlogged tenants).
  double lowest = std::numeric_limits<double>::infinity();
  for (const std::int32_t v : order_)
    if (v != r.tenant && view.waiting_of(v) > 0)
      lowest = std::min(lowest, counter_[static_cast<std::size_t>(v)]);
  if (lowest < std::numeric_limits<double>::infinity()) counter_[u] = std::max(counter_[u], lowest);
}

void VtcFairness::admission_order(const FairnessView& view, TimeNs, std::size_t limit,
                                  std::vector<std::int32_t>& order) const {
  struct Active {
    std::int32_t tenant;
    double counter;
    std::size_t next;
  };
  std::vector<Active> active;
  for (const std::int32_t t : order_)
    if (view.waiting_of(t) > 0) active.push_back({t, counter_[static_cast<std::size_t>(t)], 0});
  while (order.size() < limit && !active.empty()) {
    std::size_t best = 0;
    for (std::size_t i = 1; i < active.size(); ++i)
      if (active[i].counter < active[best].counter) best = i;  // strict: first-seen wins ties
    Active& a = active[best];
    order.push_back(a.tenant);
    a.counter += admission_charge(view.waiting_request(a.tenant, a.next));
    if (++a.next == view.waiting_of(a.tenant))
      active.erase(active.begin() + static_cast<std::ptrdiff_t>(best));
  }
}

double& VtcFairness::slot(std::int32_t tenant) {
  const auto u = static_cast<std::size_t>(tenant);
  if (u >= counter_.size()) {
    counter_.resize(u + 1, 0.0);
    known_.resize(u + 1, false);
  }
  return counter_[u];
}

void VtcFairness::on_admitted(const FairRequest& r, bool, TimeNs) {
  slot(r.tenant) += admission_charge(r);
}

// (A decode-only instance sees tokens of tenants that never queued there.)
void VtcFairness::on_output_tokens(std::int32_t tenant, std::int64_t count, TimeNs) {
  slot(tenant) += config_.output_weight * static_cast<double>(count) / weights_.weight(tenant);
}

}  // namespace xpusim::policy
