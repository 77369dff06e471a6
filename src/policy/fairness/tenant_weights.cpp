#include "xpusim/policy/fairness/tenant_weights.hpp"

#include <algorithm>
#include <cstdlib>

#include "xpusim/core/params.hpp"

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
        throw ParamError(key,
                         "empty entry in the weight list '" + text + "' (expected e.g. 1,2,0.5)");
      break;
    }
    char* end = nullptr;
    const double v = std::strtod(item.c_str() + first, &end);
    if (end == item.c_str() + first ||
        item.find_first_not_of(" \t", static_cast<std::size_t>(end - item.c_str())) !=
            std::string::npos ||
        !(v > 0) || v > 1e9)
      throw ParamError(key, "'" + item.substr(first) +
                                "' is not a positive number (expected a comma-separated "
                                "list of weights > 0, one per tenant index)");
    w.weights.push_back(v);
    start = comma + 1;
  }
  return w;
}

}  // namespace xpusim::policy
