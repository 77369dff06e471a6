#include "xpusim/policy/migration/llumnix.hpp"

#include <algorithm>
#include <limits>
#include <numeric>

#include "xpusim/core/error.hpp"

namespace xpusim::policy {

const ParamBinding<LlumnixMigration::Config>& LlumnixMigration::binding() {
  static const auto b =
      ParamBinding<Config>()
          .real("interval_s", [](auto& c) -> auto& { return c.settings.interval_s; }, "s",
                "how often the global scheduler pairs instances (Llumnix polls instance load "
                "every 50 ms)",
                {.min = 0, .max = 1e6, .min_exclusive = true})
          .real(XPUSIM_KEY(Config, migrate_out_load_threshold), "",
                "skip a pair if the destination's load (virtual KV usage fraction) after "
                "migrating in would exceed this",
                {.min = 0})
          .integer(XPUSIM_KEY(Config, priority_headroom_blocks), "blocks",
                   "KV blocks of headroom each high-priority request (priority > 0) adds to its "
                   "instance's load (Llumnix's virtual usage), so normal requests migrate away; "
                   "0 = priorities ignored",
                   {.min = 0, .max = 1e9})
          .choice(XPUSIM_KEY(Config, request), {{"last", Request::Last}},
                  "which request a source migrates: the last admitted decoding one (Llumnix "
                  "LCFS)")
          .integer("max_rounds", [](auto& c) -> auto& { return c.settings.max_rounds; }, "",
                   "pre-copy rounds including the final stop-and-copy round",
                   {.min = 1, .max = 64})
          .integer("last_round_max_blocks",
                   [](auto& c) -> auto& { return c.settings.last_round_max_blocks; }, "",
                   "stop the request and copy the rest once at most this many blocks of new KV "
                   "remain",
                   {.min = 0})
          .real("downtime_fixed_ms",
                [](auto& c) -> auto& { return c.settings.downtime_fixed_s; }, "ms",
                "fixed cost of each migration's stop-and-copy stage, added to its last round's "
                "transfer (the downtime); Llumnix reports a downtime nearly constant in sequence length",
                {.min = 0, .max = 1e6})
          .scale(1e-3);
  return b;
}

double LlumnixMigration::load(const MigrationView& view, std::size_t i) const {
  if (view.draining(i)) return std::numeric_limits<double>::infinity();
  std::int64_t used = view.virtual_used_blocks(i);
  if (config_.priority_headroom_blocks > 0)
    used += config_.priority_headroom_blocks * view.high_priority_requests(i);
  return static_cast<double>(used) / static_cast<double>(view.total_blocks(i));
}

bool LlumnixMigration::migrates(const MigrationView& view, std::size_t s, std::size_t d,
                                const std::vector<double>& load) const {
  if (s == d || !view.can_migrate_in(d)) return false;
  // The moved request is the source's candidate; its blocks leave s and arrive at d.
  const auto moved = static_cast<double>(view.candidate_blocks(s));
  const double after_in = load[d] + moved / static_cast<double>(view.total_blocks(d));
  if (after_in > config_.migrate_out_load_threshold) return false;
  // A draining source moves whatever it holds to any destination that is not draining.
  if (view.draining(s)) return moved > 0 && !view.draining(d);
  const double after_out = load[s] - moved / static_cast<double>(view.total_blocks(s));
  const double before = load[s] - load[d];
  const double after = after_out - after_in;
  return 0 < after && after < before;
}

void LlumnixMigration::scan_pairs(const MigrationView& view, std::vector<MigrationPair>& out) {
  out.clear();
  const std::size_t n = view.instance_count();
  load_.resize(n);
  for (std::size_t i = 0; i < n; ++i) load_[i] = load(view, i);
  src_.resize(n);
  std::iota(src_.begin(), src_.end(), std::size_t{0});
  dst_ = src_;
  // Stable sorts so equal loads keep index order (deterministic ties).
  std::stable_sort(src_.begin(), src_.end(), [&](auto a, auto b) { return load_[a] > load_[b]; });
  std::stable_sort(dst_.begin(), dst_.end(), [&](auto a, auto b) { return load_[a] < load_[b]; });
  for (std::size_t i = 0; i < n; ++i)
    if (migrates(view, src_[i], dst_[i], load_)) out.push_back({src_[i], dst_[i]});
}

void LlumnixMigration::index(std::size_t i, double load) {
  if (i < known_.size() && known_[i]) {
    if (indexed_[i] == load) return;
    ascending_.erase({indexed_[i], i});
    descending_.erase({-indexed_[i], i});
  } else if (i >= known_.size()) {
    indexed_.resize(i + 1, 0);
    known_.resize(i + 1, 0);
  }
  known_[i] = 1;
  indexed_[i] = load;
  ascending_.insert({load, i});
  descending_.insert({-load, i});
}

void LlumnixMigration::sync(const MigrationView& view) {
  for (std::size_t i = known_.size(); i < view.instance_count(); ++i) index(i, load(view, i));
  for (const std::size_t i : dirty_) {
    stale_[i] = 0;
    index(i, load(view, i));
  }
  dirty_.clear();
}

// O(1): the load is read again at the next check, once however often it changed meanwhile.
void LlumnixMigration::on_load_changed(const MigrationView& /*view*/, std::size_t i) {
  if (i >= stale_.size()) stale_.resize(i + 1, 0);
  if (stale_[i]) return;
  stale_[i] = 1;
  dirty_.push_back(i);
}

// The scan's i-th source (most loaded first, ties by index) against its i-th destination
// (least loaded first): once a source is no more loaded than its destination, every later
// pair is too (sources only get lighter, destinations heavier), and none of them migrates
// (a pair needs before > 0, or a draining source and a destination that is not).
void LlumnixMigration::walk(const MigrationView& view, std::vector<MigrationPair>& out) const {
  out.clear();
  auto s = descending_.begin();
  auto d = ascending_.begin();
  for (; s != descending_.end() && d != ascending_.end(); ++s, ++d) {
    if (!(-s->first > d->first)) break;
    if (migrates(view, s->second, d->second, indexed_)) out.push_back({s->second, d->second});
  }
}

void LlumnixMigration::choose_pairs(const MigrationView& view, std::vector<MigrationPair>& out) {
  if (!view.reports_load_changes()) return scan_pairs(view, out);
  sync(view);
  walk(view, out);
  if constexpr (kXpusimInvariants) {
    scan_pairs(view, check_);
    XPUSIM_CHECK(check_ == out, "llumnix migration: the indexed pairs differ from the full scan "
                                "(a load change was not reported)");
  }
}

}  // namespace xpusim::policy
