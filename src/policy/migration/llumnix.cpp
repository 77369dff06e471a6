#include "xpusim/policy/migration/llumnix.hpp"

#include <algorithm>
#include <numeric>

namespace xpusim::policy {

void LlumnixMigration::choose_pairs(const MigrationView& view, std::vector<MigrationPair>& out) {
  out.clear();
  const std::size_t n = view.instance_count();
  load_.resize(n);
  for (std::size_t i = 0; i < n; ++i)
    load_[i] = static_cast<double>(view.virtual_used_blocks(i)) /
               static_cast<double>(view.total_blocks(i));
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
