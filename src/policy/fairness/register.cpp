// The registry lines of the fairness family: one per policy, by the name the YAML uses.
#include <cstdlib>

#include "xpusim/core/rng.hpp"
#include "xpusim/policy/fairness/equinox.hpp"
#include "xpusim/policy/fairness/fcfs.hpp"
#include "xpusim/policy/fairness/rpm_limit.hpp"
#include "xpusim/policy/fairness/vtc.hpp"

namespace xpusim::policy {

TenantWeights parse_tenant_weights(const std::string& text, const std::string& key) {
  TenantWeights w;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, comma - start);
    const auto first = item.find_first_not_of(" \t");
    if (first == std::string::npos) {
      if (!text.empty() || comma < text.size())
        throw ParamError(key, "empty entry in the weight list '" + text + "' (expected e.g. 1,2,0.5)");
      break;
    }
    char* end = nullptr;
    const double v = std::strtod(item.c_str() + first, &end);
    if (end == item.c_str() + first || item.find_first_not_of(" \t", static_cast<std::size_t>(end - item.c_str())) != std::string::npos ||
        !(v > 0) || v > 1e9)
      throw ParamError(key, "'" + item.substr(first) + "' is not a positive number (expected a comma-separated "
                            "list of weights > 0, one per tenant index)");
    w.weights.push_back(v);
    start = comma + 1;
  }
  return w;
}

void register_fairness_policies(FairnessCatalog& c) {
  c.add("fcfs", "first come, first served across tenants (preempted requests first)",
        ParamSchema{}, [](const Params&, const FairnessContext&) {
          return std::make_unique<FcfsFairness>();
        });
  c.add("rpm_limit",
        "per-tenant requests-per-minute limit at arrival (rejects beyond it), then FCFS",
        RpmLimitFairness::schema(), [](const Params& p, const FairnessContext&) {
          return std::make_unique<RpmLimitFairness>(RpmLimitFairness::config_from(p));
        });
  c.add("vtc",
        "virtual token counter: least-served tenant first, counters lifted on return (VTC "
        "artifact)",
        VtcFairness::schema(), [](const Params& p, const FairnessContext& ctx) {
          return std::make_unique<VtcFairness>(VtcFairness::config_from(p), ctx.weights);
        });
  c.add("equinox",
        "holistic score of user- and resource-fairness counters charged from predicted "
        "output lengths",
        EquinoxFairness::schema(), [](const Params& p, const FairnessContext& ctx) {
          const std::string stream = "fairness.equinox.instance" + std::to_string(ctx.instance);
          return std::make_unique<EquinoxFairness>(EquinoxFairness::config_from(p), ctx.weights,
                                                   derive_seed(ctx.seed, stream));
        });
}

}  // namespace xpusim::policy
