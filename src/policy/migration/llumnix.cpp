#include "xpusim/policy/migration/llumnix.hpp"

#include <algorithm>
#include <numeric>

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

void LlumnixMigration::choose_pairs(const MigrationView& view, std::vector<MigrationPair>& out) {
  out.clear();
  const std::size_t n = view.instance_count();
  load_.resize(n);
  const std::int64_t headroom = config_.priority_headroom_blocks;
  for (std::size_t i = 0; i < n; ++i) {
    std::int64_t used = view.virtual_used_blocks(i);
    if (headroom > 0) used += headroom * view.high_priority_requests(i);
    load_[i] = static_cast<double>(used) / static_cast<double>(view.total_blocks(i));
  }
  src_.resize(n);
  std::iota(src_.begin(), src_.end(), std::size_t{0});
  dst_ = src_;
  // Stable sorts so equal loads keep index order (deterministic ties).
  std::stable_sort(src_.begin(), src_.end(), [&](auto a, auto b) { return load_[a] > load_[b]; });
  std::stable_sort(dst_.begin(), dst_.end(), [&](auto a, auto b) { return load_[a] < load_[b]; });
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t s = src_[i], d = dst_[i];
    if (s == d || !view.can_migrate_in(d)) continue;
    // The moved request is the source's candidate; its blocks leave s and arrive at d.
    const auto moved = static_cast<double>(view.candidate_blocks(s));
    const double after_out = load_[s] - moved / static_cast<double>(view.total_blocks(s));
    const double after_in = load_[d] + moved / static_cast<double>(view.total_blocks(d));
    const double before = load_[s] - load_[d];
    const double after = after_out - after_in;
    if (after_in > config_.migrate_out_load_threshold) continue;
    if (0 < after && after < before) out.push_back({s, d});
  }
}

}  // namespace xpusim::policy
