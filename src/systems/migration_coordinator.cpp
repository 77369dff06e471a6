#include "xpusim/systems/migration_coordinator.hpp"

#include <spdlog/spdlog.h>

#include "xpusim/core/error.hpp"

namespace xpusim::systems {

MigrationCoordinator::MigrationCoordinator(
    Simulator& sim, const std::vector<std::unique_ptr<ServingInstance>>& instances,
    std::vector<int> nodes, hw::LinkFabric& fabric, std::unique_ptr<policy::MigrationPolicy> policy,
    ServingObserver& observer, double kv_bytes_per_token)
    : sim_(sim),
      instances_(instances),
      nodes_(std::move(nodes)),
      fabric_(fabric),
      policy_(std::move(policy)),
      settings_(policy_->settings()),
      observer_(observer),
      kv_bytes_per_token_(kv_bytes_per_token) {
  XPUSIM_CHECK(settings_.interval_s > 0 && settings_.max_rounds >= 1 && kv_bytes_per_token_ >= 0 &&
                   settings_.downtime_fixed_s >= 0,
               "migration needs a check interval, at least one round, KV bytes per token and a "
               "non-negative fixed downtime");
}

void MigrationCoordinator::wake() {
  if (tick_pending_) return;
  tick_pending_ = true;
  sim_.schedule_after(std::max<TimeNs>(seconds_to_ns(settings_.interval_s), 1), *this, kTick);
}

std::int64_t MigrationCoordinator::candidate_blocks(std::size_t i) const {
  if (busy(i)) return 0;
  return instances_[i]->live_blocks(instances_[i]->migration_candidate());
}

void MigrationCoordinator::note_work(std::size_t i) {
  if (i >= has_work_.size()) has_work_.resize(i + 1, 0);
  const char now = instances_[i]->outstanding() > 0;
  if (now == has_work_[i]) return;
  if (now) ++with_work_;
  else --with_work_;
  has_work_[i] = now;
}

void MigrationCoordinator::on_load_changed(std::size_t i) {
  if (!reporting_) return;
  note_work(i);
  policy_->on_load_changed(*this, i);
}

void MigrationCoordinator::set_draining(std::size_t i, bool draining) {
  if (draining_.size() < instances_.size()) draining_.resize(instances_.size(), 0);
  draining_.at(i) = draining;
  if (reporting_) policy_->on_load_changed(*this, i);
  if (draining) wake();
}

bool MigrationCoordinator::anything_left() {
  if (in_flight_ > 0) return true;
  if (reporting_) {
    for (std::size_t i = has_work_.size(); i < instances_.size(); ++i) note_work(i);
    if constexpr (kXpusimInvariants) {
      std::size_t n = 0;
      for (const auto& inst : instances_) n += inst->outstanding() > 0;
      XPUSIM_CHECK(n == with_work_, "migration: instances with work miscounted (a load change "
                                    "was not reported)");
    }
    return with_work_ > 0;
  }
  for (const auto& inst : instances_)
    if (inst->outstanding() > 0) return true;
  return false;
}

void MigrationCoordinator::on_event(std::uint32_t tag, std::uint64_t payload) {
  if (tag == kCommit) return final_round_done(static_cast<std::uint32_t>(payload), sim_.now());
  tick_pending_ = false;
  XPUSIM_CHECK(nodes_.size() == instances_.size(), "every instance needs a fabric node");
  if (busy_.size() < instances_.size()) busy_.resize(instances_.size(), 0);
  policy_->choose_pairs(*this, pairs_);
  for (const auto& pair : pairs_) start(pair, sim_.now());
  if (anything_left()) wake();
}

void MigrationCoordinator::start(const policy::MigrationPair& pair, TimeNs now) {
  XPUSIM_CHECK(pair.from < instances_.size() && pair.to < instances_.size() && pair.from != pair.to,
               "migration policy chose an invalid pair");
  if (busy(pair.from) || busy(pair.to)) return;
  ServingInstance& src = *instances_[pair.from];
  ServingInstance& dst = *instances_[pair.to];
  const ServingInstance::SeqRef ref = src.migration_candidate();
  const std::int64_t kv = src.live_kv_tokens(ref);
  if (kv < 0) return;
  // The destination must be able to take the KV copied so far; without the room there is no
  // migration (Llumnix aborts when the destination cannot allocate).
  const std::int64_t reserve = (kv + dst.block_size() - 1) / dst.block_size();
  if (!dst.reserve_migration(reserve)) {
    ++aborted_;
    spdlog::debug("migration: instance {} -> {} not started: destination cannot reserve {} blocks",
                  pair.from, pair.to, reserve);
    return;
  }
  spdlog::debug("migration: instance {} -> {}, {} KV tokens (t={} ns)", pair.from, pair.to, kv, now);
  std::uint32_t slot;
  if (free_slots_.empty()) {
    slot = static_cast<std::uint32_t>(migrations_.size());
    migrations_.emplace_back();
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
  }
  Migration& m = migrations_[slot];
  m = Migration{};
  m.ref = ref;
  m.from = pair.from;
  m.to = pair.to;
  m.reserved_blocks = reserve;
  m.start_ns = now;
  m.active = true;
  busy_[pair.from] = busy_[pair.to] = 1;
  ++in_flight_;
  begin_round(slot, now);
}

// Copies what the previous round left behind. The round is the final one when that is little
// enough or the round budget is spent: the request then stops on the source.
void MigrationCoordinator::begin_round(std::uint32_t slot, TimeNs now) {
  Migration& m = migrations_[slot];
  ServingInstance& src = *instances_[m.from];
  const std::int64_t kv = src.live_kv_tokens(m.ref);
  if (kv < 0) return abort(slot, now);  // finished or preempted on the source meanwhile
  const std::int64_t delta = kv - m.copied_tokens;
  const bool last = m.rounds + 1 >= settings_.max_rounds ||
                    delta <= settings_.last_round_max_blocks * src.block_size();
  if (last) {
    m.handoff = src.migrate_out(m.ref, now);
    m.request_id = m.handoff.request.id;
    m.final_start_ns = now;
  }
  ++m.rounds;
  m.copied_tokens = kv;
  const double bytes = kv_bytes_per_token_ * static_cast<double>(delta);
  m.bytes += bytes;
  fabric_.start(nodes_[m.from], nodes_[m.to], bytes, *this, slot);
}

void MigrationCoordinator::on_transfer_done(std::uint64_t cookie, TimeNs now) {
  const auto slot = static_cast<std::uint32_t>(cookie);
  const Migration& m = migrations_[slot];
  if (m.final_start_ns < 0 && !m.cancelled) return begin_round(slot, now);
  // The final round's transfer is done; its fixed cost follows (none: at once).
  const TimeNs fixed = seconds_to_ns(settings_.downtime_fixed_s);
  if (fixed > 0 && !m.cancelled) sim_.schedule_after(fixed, *this, kCommit, slot);
  else final_round_done(slot, now);
}

// The end of the final stage, or of the transfer in flight when an end failed meanwhile (the
// slot is freed only now, so no transfer or timer outlives it).
void MigrationCoordinator::final_round_done(std::uint32_t slot, TimeNs now) {
  if (migrations_[slot].cancelled) {
    migrations_[slot].active = false;
    --in_flight_;
    free_slots_.push_back(slot);
    return;
  }
  complete(slot, now);
}

void MigrationCoordinator::abort(std::uint32_t slot, TimeNs now) {
  Migration& m = migrations_[slot];
  ++aborted_;
  release(slot);
  instances_[m.to]->release_migration(m.reserved_blocks, now);
}

void MigrationCoordinator::complete(std::uint32_t slot, TimeNs now) {
  Migration& m = migrations_[slot];
  const MigrationRecord record{m.request_id, instances_[m.from]->index(), instances_[m.to]->index(),
                               m.bytes, m.rounds, m.start_ns, now - m.final_start_ns};
  release(slot);
  instances_[m.to]->accept_migration(std::move(m.handoff), m.reserved_blocks, now);
  observer_.on_migration(record);
}

std::size_t MigrationCoordinator::requests_in_flight() const {
  std::size_t n = 0;
  for (const Migration& m : migrations_) n += m.active && !m.cancelled && m.final_start_ns >= 0;
  return n;
}

std::vector<workload::Request> MigrationCoordinator::on_instance_failed(std::size_t i, TimeNs now) {
  std::vector<workload::Request> held;
  for (Migration& m : migrations_) {
    if (!m.active || m.cancelled || (m.from != i && m.to != i)) continue;
    // The transfer in flight (or the final round's fixed-cost wait) still ends: the fabric and
    // the event queue do not know; the slot is freed then.
    m.cancelled = true;
    ++aborted_;
    busy_[m.from] = busy_[m.to] = 0;
    if (m.to != i) instances_[m.to]->release_migration(m.reserved_blocks, now);
    if (m.final_start_ns >= 0) held.push_back(std::move(m.handoff.request));
  }
  return held;
}

void MigrationCoordinator::release(std::uint32_t slot) {
  Migration& m = migrations_[slot];
  m.active = false;
  busy_[m.from] = busy_[m.to] = 0;
  --in_flight_;
  free_slots_.push_back(slot);
}

}  // namespace xpusim::systems
