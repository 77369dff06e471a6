#include "xpusim/policy/fairness/rpm_limit.hpp"

#include <algorithm>

#include "xpusim/policy/fairness/fcfs.hpp"

namespace xpusim::policy {

const ParamBinding<RpmLimitFairness::Config>& RpmLimitFairness::binding() {
  static const auto b =
      ParamBinding<Config>()
          .integer(XPUSIM_KEY(Config, requests_per_minute), "1/min",
                   "requests a tenant may have accepted per sliding minute; later arrivals are "
                   "rejected",
                   {.min = 1})
          .real(XPUSIM_KEY(Config, window_s), "s",
                "length of the sliding window the limit counts over",
                {.min = 0, .max = 9e9, .min_exclusive = true});
  return b;
}

// The artifact counts accepted requests whose age is <= the window and rejects at the limit.
bool RpmLimitFairness::accept(const FairRequest& r, const FairnessView&, TimeNs now) {
  const auto t = static_cast<std::size_t>(std::max(r.tenant, 0));
  if (t >= accepted_.size()) accepted_.resize(t + 1);
  auto& times = accepted_[t];
  const TimeNs window = seconds_to_ns(config_.window_s);
  while (!times.empty() && now - times.front() > window) times.pop_front();
  if (static_cast<std::int64_t>(times.size()) >= config_.requests_per_minute) return false;
  times.push_back(now);
  return true;
}

void RpmLimitFairness::admission_order(const FairnessView& view, TimeNs now, std::size_t limit,
                                       std::vector<std::int32_t>& order) const {
  FcfsFairness fcfs;
  for (std::int32_t t = 0; t < fcfs_tenants_; ++t) {
    FairRequest probe;
    probe.tenant = t;
    fcfs.on_enqueued(probe, 0, view);
  }
  fcfs.admission_order(view, now, limit, order);
}

}  // namespace xpusim::policy
