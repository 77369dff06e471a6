// The registry lines of the fairness family: one per policy, by the name the YAML uses.
#include "xpusim/core/rng.hpp"
#include "xpusim/policy/fairness/equinox.hpp"
#include "xpusim/policy/fairness/fcfs.hpp"
#include "xpusim/policy/fairness/rpm_limit.hpp"
#include "xpusim/policy/fairness/vtc.hpp"

namespace xpusim::policy {

void register_fairness_policies(FairnessCatalog& c) {
  c.add("fcfs", "first come, first served across tenants (preempted requests first)", ParamSchema{},
        [](const Params&, const FairnessContext&) { return std::make_unique<FcfsFairness>(); });
  c.add("rpm_limit",
        "per-tenant requests-per-minute limit at arrival (rejects beyond it), then FCFS",
        RpmLimitFairness::binding(), [](RpmLimitFairness::Config cfg, const FairnessContext&) {
          return std::make_unique<RpmLimitFairness>(cfg);
        });
  c.add("vtc",
        "virtual token counter: least-served tenant first, counters lifted on return (VTC "
        "artifact)",
        VtcFairness::binding(), [](VtcFairness::Config cfg, const FairnessContext& ctx) {
          return std::make_unique<VtcFairness>(cfg, ctx.weights);
        });
  c.add("equinox",
        "holistic score of user- and resource-fairness counters charged from predicted "
        "output lengths",
        EquinoxFairness::binding(), [](EquinoxFairness::Config cfg, const FairnessContext& ctx) {
          const std::string stream = "fairness.equinox.instance" + std::to_string(ctx.instance);
          return std::make_unique<EquinoxFairness>(cfg, ctx.weights,
                                                   derive_seed(ctx.seed, stream));
        });
}

}  // namespace xpusim::policy
