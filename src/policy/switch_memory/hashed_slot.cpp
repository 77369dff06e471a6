#include "xpusim/core/rng.hpp"
#include "xpusim/policy/switch_memory/switch_memory_policy.hpp"

namespace xpusim::policy {

std::int64_t hashed_slot(const ChunkKey& chunk, std::int64_t slot_count) {
  // SplitMix64 of (job, chunk): a fixed, well-mixed function, the same on every platform.
  std::uint64_t state = (static_cast<std::uint64_t>(static_cast<std::uint32_t>(chunk.job)) << 40) ^
                        static_cast<std::uint64_t>(chunk.chunk);
  return static_cast<std::int64_t>(splitmix64(state) % static_cast<std::uint64_t>(slot_count));
}

}  // namespace xpusim::policy
