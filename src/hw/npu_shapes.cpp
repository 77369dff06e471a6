#include "xpusim/hw/npu_shapes.hpp"

#include <algorithm>
#include <cstdlib>

#include "xpusim/core/param_binding.hpp"

namespace xpusim::hw {

std::vector<std::int64_t> parse_shape_list(const std::string& text, const std::string& key) {
  std::vector<std::int64_t> out;
  if (text.find_first_not_of(" \t") == std::string::npos) return out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, comma - start);
    const auto first = item.find_first_not_of(" \t");
    char* end = nullptr;
    const long long v =
        first == std::string::npos ? 0 : std::strtoll(item.c_str() + first, &end, 10);
    const bool trailing = first != std::string::npos &&
                          item.find_first_not_of(" \t", static_cast<std::size_t>(
                                                            end - item.c_str())) != std::string::npos;
    if (first == std::string::npos || end == item.c_str() + first || trailing || v < 1 ||
        v > 10'000'000)
      throw ParamError(key, "'" + (first == std::string::npos ? item : item.substr(first)) +
                                "' is not a token count in [1, 1e7] (expected a comma-separated "
                                "list of static prefill lengths, e.g. 128,256,512,1024; empty = "
                                "dynamic shapes)");
    out.push_back(v);
    start = comma + 1;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string format_shape_list(const std::vector<std::int64_t>& shapes) {
  std::string out;
  for (std::int64_t s : shapes) out += (out.empty() ? "" : ",") + std::to_string(s);
  return out;
}

std::optional<std::int64_t> padded_shape(const std::vector<std::int64_t>& shapes,
                                         std::int64_t tokens) {
  if (shapes.empty()) return tokens;
  const auto it = std::lower_bound(shapes.begin(), shapes.end(), tokens);
  if (it == shapes.end()) return std::nullopt;
  return *it;
}

}  // namespace xpusim::hw
