#pragma once
// SAECache's adaptive position-decay power, learned online: blocks are binned by
// floor(log2(1 + position)); per bin the cache counts releases (a block became an eviction
// candidate) and reuses (a released block was hit, or wanted after its eviction). The reuse
// rate is fitted to a power law, rate ~ (1 + position)^-beta, by least squares of
// ln(reuses / releases) on the bin's mean ln(1 + position), over the bins with at least
// `min_samples` releases and one reuse; beta = -slope, clamped to [0, 10]. With fewer than two
// such bins (or all at one position) beta is the prior. docs/prefix-cache.md, `sae`.
#include <array>
#include <cstdint>

namespace xpusim::policy {

class PositionDecayFit {
 public:
  PositionDecayFit(double prior_beta, std::int64_t min_samples)
      : prior_(prior_beta), min_samples_(min_samples) {}
  void released(std::int32_t position);
  void reused(std::int32_t position);
  double beta() const;
  static std::size_t bin(std::int32_t position);

 private:
  struct Bin {
    std::int64_t releases = 0;
    std::int64_t reuses = 0;
    double sum_log_position = 0;  // of ln(1 + position) over releases
  };
  static constexpr std::size_t kBins = 32;
  double prior_;
  std::int64_t min_samples_;
  std::array<Bin, kBins> bins_{};
};

}  // namespace xpusim::policy
