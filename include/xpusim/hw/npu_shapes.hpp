#pragma once
// Static prefill shapes of an NPU. An NPU runs graphs compiled for fixed input shapes (OpenVINO's
// NPU plugin compiles the prefill model for a static prompt length), so a prefill chunk of n
// tokens runs as the smallest compiled shape >= n, padded; a chunk longer than every compiled
// shape cannot run on the NPU at all. An empty list means dynamic shapes (no padding).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace xpusim::hw {

// "128,256,512" -> {128, 256, 512}, sorted and without duplicates; "" -> {}. Throws ParamError
// naming `key` on an entry that is not an integer in [1, 1e7].
std::vector<std::int64_t> parse_shape_list(const std::string& text, const std::string& key);
std::string format_shape_list(const std::vector<std::int64_t>& shapes);

// The padded length a chunk of `tokens` runs at: `tokens` itself when `shapes` is empty, else the
// smallest shape >= tokens; nullopt when tokens exceeds the largest shape.
std::optional<std::int64_t> padded_shape(const std::vector<std::int64_t>& shapes,
                                         std::int64_t tokens);

}  // namespace xpusim::hw
