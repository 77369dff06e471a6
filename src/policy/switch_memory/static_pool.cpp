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
  Pools& sw = switches_[view.switch_index()];
  if (sw.pool.count(job)) return;
  const auto pools = static_cast<std::size_t>(std::min(config_.partitions, view.slot_count()));
  if (sw.owner.size() != pools) sw.owner.assign(pools, -1);
  // The lowest free pool, so the assignment depends on arrival order only.
  for (std::size_t p = 0; p < sw.owner.size(); ++p) {
    if (sw.owner[p] >= 0) continue;
    sw.owner[p] = job;
    sw.pool[job] = static_cast<std::int64_t>(p);
    return;
  }
}

void StaticPool::on_job_end(std::int32_t job) {
  for (auto& [index, sw] : switches_) {
    const auto it = sw.pool.find(job);
    if (it == sw.pool.end()) continue;
    sw.owner[static_cast<std::size_t>(it->second)] = -1;
    sw.pool.erase(it);
  }
}

std::int64_t StaticPool::pool_of(std::int32_t job, std::int32_t switch_index) const {
  const auto sw = switches_.find(switch_index);
  if (sw == switches_.end()) return -1;
  const auto it = sw->second.pool.find(job);
  return it == sw->second.pool.end() ? -1 : it->second;
}

std::int64_t StaticPool::window_packets(const SwitchMemoryView& view, std::int32_t job) const {
  return pool_of(job, view.switch_index()) >= 0 ? pool_size(view) : config_.fallback_window_packets;
}

SlotDecision StaticPool::place(const SwitchMemoryView& view, const ChunkKey& chunk) {
  const std::int64_t pool = pool_of(chunk.job, view.switch_index());
  if (pool < 0) return {SlotAction::Fallback, -1};
  const std::int64_t size = pool_size(view);
  const std::int64_t slot = pool * size + chunk.chunk % size;
  // The window keeps chunk i + size from leaving a worker before chunk i's result arrived, and
  // the slot is freed when the result leaves, so it is free here.
  if (view.slot(slot).state != SlotState::Free) return {SlotAction::Fallback, -1};
  return {SlotAction::Claim, slot};
}

}  // namespace xpusim::policy
