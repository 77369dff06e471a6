#pragma once
// Per-tenant weights, shared by weighted fairness policies and the service metrics: a tenant
// of weight 2 is entitled to twice the service of a tenant of weight 1.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace xpusim::policy {

struct TenantWeights {
  std::vector<double> weights;  // by tenant index; missing entries weigh 1
  double weight(std::int32_t tenant) const {
    return tenant >= 0 && static_cast<std::size_t>(tenant) < weights.size()
               ? weights[static_cast<std::size_t>(tenant)]
               : 1.0;
  }
};

// Parses "1,2,0.5" into weights (each > 0); throws ParamError naming `key` otherwise.
TenantWeights parse_tenant_weights(const std::string& text, const std::string& key);

}  // namespace xpusim::policy
