#include "xpusim/policy/fairness/equinox.hpp"

#include <algorithm>
#include <limits>

namespace xpusim::policy {

const ParamBinding<EquinoxFairness::Config>& EquinoxFairness::binding() {
  static const auto b =
      ParamBinding<Config>()
          .real(XPUSIM_KEY(Config, alpha), "",
                "weight of the user-fairness counter in the holistic score (1 - alpha: "
                "resource fairness)",
                {.min = 0, .max = 1})
          .real(XPUSIM_KEY(Config, input_weight), "",
                "price of one prompt token in the user counter", {.min = 0})
          .real(XPUSIM_KEY(Config, output_weight), "",
                "price of one output token in the user counter", {.min = 0})
          .real(XPUSIM_KEY(Config, latency_weight), "tokens/s",
                "priced tokens of user service one second of waiting for admission takes "
                "away (Equinox's latency term; 0 = tokens only)",
                {.min = 0, .max = 1e9})
          .choice("predictor", [](auto& c) -> auto& { return c.predictor.kind; },
                  {{"oracle", "oracle"},
                   {"history_mean", "history_mean"},
                   {"noisy_oracle", "noisy_oracle"}},
                  "output-length predictor: the truth, the tenant's mean so far, or the truth "
                  "with a lognormal error of CV noise_cv")
          .real("noise_cv", [](auto& c) -> auto& { return c.predictor.noise_cv; }, "",
                "noisy_oracle: coefficient of variation of the error factor",
                {.min = 0, .max = 10})
          .real("prior_output_tokens",
                [](auto& c) -> auto& { return c.predictor.prior_output_tokens; }, "tokens",
                "history_mean: prediction before a tenant's first request finishes", {.min = 1});
  return b;
}

EquinoxFairness::EquinoxFairness(Config config, TenantWeights weights, std::uint64_t seed)
    : config_(config),
      weights_(std::move(weights)),
      predictor_(make_output_predictor(config.predictor, seed)) {}

void EquinoxFairness::ensure(std::int32_t t) {
  const auto u = static_cast<std::size_t>(t);
  if (u < ufc_.size()) return;
  ufc_.resize(u + 1, 0.0);
  rfc_.resize(u + 1, 0.0);
  known_.resize(u + 1, false);
}

double EquinoxFairness::user_counter(std::int32_t t) const {
  return static_cast<std::size_t>(t) < ufc_.size() ? ufc_[static_cast<std::size_t>(t)] : 0.0;
}
double EquinoxFairness::resource_counter(std::int32_t t) const {
  return static_cast<std::size_t>(t) < rfc_.size() ? rfc_[static_cast<std::size_t>(t)] : 0.0;
}

// User view: priced tokens. Resource view: KV token-steps, i.e. the tokens held summed over
// the decode steps the request runs (in + o/2 on average, for o steps) — long outputs occupy
// memory and batch slots for longer than their token count says.
// The latency term takes the wait away from the priced tokens (never below zero service).
EquinoxFairness::Charge EquinoxFairness::charge(const FairRequest& r, double out,
                                                double wait_s) const {
  const double w = weights_.weight(r.tenant);
  const auto in = static_cast<double>(r.input_tokens);
  const double tokens = config_.input_weight * in + config_.output_weight * out;
  return Charge{std::max(tokens - config_.latency_weight * wait_s, 0.0) / w,
                out * (in + 0.5 * out) / w};
}

EquinoxFairness::Charge EquinoxFairness::predicted_charge(const FairRequest& r, TimeNs now) const {
  if (r.readmission) return {};
  const auto it = predicted_.find(r.id);
  return charge(r, it != predicted_.end() ? it->second : 1.0, ns_to_seconds(now - r.arrival_ns));
}

void EquinoxFairness::on_enqueued(const FairRequest& r, std::size_t waiting_before,
                                  const FairnessView& view) {
  ensure(r.tenant);
  const auto u = static_cast<std::size_t>(r.tenant);
  if (!known_[u]) {
    known_[u] = true;
    order_.push_back(r.tenant);
  }
  if (!r.readmission) predicted_[r.id] = predictor_->predict(r);
  if (waiting_before != 0) return;
  double low_u = std::numeric_limits<double>::infinity();
  double low_r = low_u;
  for (const std::int32_t v : order_) {
    if (v == r.tenant || view.waiting_of(v) == 0) continue;
    low_u = std::min(low_u, ufc_[static_cast<std::size_t>(v)]);
    low_r = std::min(low_r, rfc_[static_cast<std::size_t>(v)]);
  }
  if (low_u < std::numeric_limits<double>::infinity()) {
    ufc_[u] = std::max(ufc_[u], low_u);
    rfc_[u] = std::max(rfc_[u], low_r);
  }
}

void EquinoxFairness::admission_order(const FairnessView& view, TimeNs now, std::size_t limit,
                                      std::vector<std::int32_t>& order) const {
  struct Active {
    std::int32_t tenant;
    double user;
    double resource;
    std::size_t next;
  };
  std::vector<Active> active;
  double sum_u = 0;
  double sum_r = 0;
  for (const std::int32_t t : order_) {
    if (view.waiting_of(t) == 0) continue;
    const auto u = static_cast<std::size_t>(t);
    active.push_back({t, ufc_[u], rfc_[u], 0});
    sum_u += ufc_[u];
    sum_r += rfc_[u];
  }
  const double alpha = config_.alpha;
  auto score = [&](const Active& a) {
    return (sum_u > 0 ? alpha * a.user / sum_u : 0.0) +
           (sum_r > 0 ? (1 - alpha) * a.resource / sum_r : 0.0);
  };
  while (order.size() < limit && !active.empty()) {
    std::size_t best = 0;
    double best_score = score(active[0]);
    for (std::size_t i = 1; i < active.size(); ++i) {
      const double s = score(active[i]);
      if (s < best_score) {
        best = i;
        best_score = s;
      }
    }
    Active& a = active[best];
    order.push_back(a.tenant);
    const Charge c = predicted_charge(view.waiting_request(a.tenant, a.next), now);
    a.user += c.user;
    a.resource += c.resource;
    sum_u += c.user;
    sum_r += c.resource;
    if (++a.next == view.waiting_of(a.tenant))
      active.erase(active.begin() + static_cast<std::ptrdiff_t>(best));
  }
}

void EquinoxFairness::on_admitted(const FairRequest& r, bool, TimeNs now) {
  ensure(r.tenant);
  const Charge c = predicted_charge(r, now);
  if (const auto it = predicted_.find(r.id); it != predicted_.end() && !r.readmission)
    admitted_[r.id] = {it->second, ns_to_seconds(now - r.arrival_ns)};
  ufc_[static_cast<std::size_t>(r.tenant)] += c.user;
  rfc_[static_cast<std::size_t>(r.tenant)] += c.resource;
}

// The truth replaces the prediction once known.
void EquinoxFairness::on_finished(const FairRequest& r, TimeNs) {
  predictor_->observe(r, r.output_tokens);
  predicted_.erase(r.id);
  const auto it = admitted_.find(r.id);
  if (it == admitted_.end()) return;  // admitted elsewhere (disaggregated decode side)
  ensure(r.tenant);
  const Charge guess = charge(r, it->second.predicted, it->second.wait_s);
  const Charge truth = charge(r, static_cast<double>(r.output_tokens), it->second.wait_s);
  ufc_[static_cast<std::size_t>(r.tenant)] += truth.user - guess.user;
  rfc_[static_cast<std::size_t>(r.tenant)] += truth.resource - guess.resource;
  admitted_.erase(it);
}

}  // namespace xpusim::policy
