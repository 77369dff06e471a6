#include "xpusim/policy/switch_memory/static_pool.hpp"

#include <algorithm>

namespace xpusim::policy {

const ParamBinding<StaticPool::Config>& StaticPool::binding() {
  static const auto b =
      ParamBinding<Config>()
          .integer(XPUSIM_KEY(Config, partitions), "",
                   "equal pools the aggregator memory is cut into; a job owns one for its whole "
                   "life",
                   {.min = 1, .max = 1 << 20})
          .integer(XPUSIM_KEY(Config, fallback_window_packets), "",
                   "sending window of a job that found no free pool (its traffic goes to its "
                   "parameter server)",
                   {.min = 1, .max = 1 << 24});
  return b;
}

std::int64_t StaticPool::pool_size(const SwitchMemoryView& view) const {
  return view.slot_count() / std::min(config_.partitions, view.slot_count());
}

void StaticPool::on_iteration_start(const SwitchMemoryView& view, std::int32_t job) {
  if (pool_.count(job)) return;
  const auto pools = static_cast<std::size_t>(std::min(config_.partitions, view.slot_count()));
  if (owner_.size() != pools) owner_.assign(pools, -1);
  // The lowest free pool, so the assignment depends on arrival order only.
  for (std::size_t p = 0; p < owner_.size(); ++p) {
    if (owner_[p] >= 0) continue;
    owner_[p] = job;
    pool_[job] = static_cast<std::int64_t>(p);
    return;
  }
}

void StaticPool::on_job_end(std::int32_t job) {
  const auto it = pool_.find(job);
  if (it == pool_.end()) return;
  owner_[static_cast<std::size_t>(it->second)] = -1;
  pool_.erase(it);
}

std::int64_t StaticPool::pool_of(std::int32_t job) const {
  const auto it = pool_.find(job);
  return it == pool_.end() ? -1 : it->second;
}

std::int64_t StaticPool::window_packets(const SwitchMemoryView& view, std::int32_t job) const {
  return pool_of(job) >= 0 ? pool_size(view) : config_.fallback_window_packets;
}

SlotDecision StaticPool::place(const SwitchMemoryView& view, const ChunkKey& chunk) {
  const std::int64_t pool = pool_of(chunk.job);
  if (pool < 0) return {SlotAction::Fallback, -1};
  const std::int64_t size = pool_size(view);
  const std::int64_t slot = pool * size + chunk.chunk % size;
  // The window keeps chunk i + size from leaving a worker before chunk i's result arrived, and
  // the slot is freed when the result leaves, so it is free here.
  if (view.slot(slot).state != SlotState::Free) return {SlotAction::Fallback, -1};
  return {SlotAction::Claim, slot};
}

}  // namespace xpusim::policy
