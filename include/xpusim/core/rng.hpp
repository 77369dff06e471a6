#pragma once
// Seeded random streams. One stream per component, derived from the scenario seed and the
// component's name, so adding a component never shifts another's numbers. The distributions are
// written here (not <random>'s) because the standard leaves their algorithms to the library, and
// results must be byte-identical across toolchains.
#include <cstdint>
#include <string_view>

namespace xpusim {

// SplitMix64 step; also used to hash names into seeds.
std::uint64_t splitmix64(std::uint64_t& state);
std::uint64_t derive_seed(std::uint64_t scenario_seed, std::string_view component);

// xoshiro256** generator with hand-written distributions.
class RngStream {
 public:
  explicit RngStream(std::uint64_t seed = 0);
  RngStream(std::uint64_t scenario_seed, std::string_view component)
      : RngStream(derive_seed(scenario_seed, component)) {}

  std::uint64_t next_u64();
  double uniform01();                       // [0, 1)
  double uniform(double lo, double hi);     // [lo, hi)
  std::int64_t uniform_int(std::int64_t lo, std::int64_t hi);  // inclusive bounds
  double exponential(double rate);          // mean 1/rate
  double normal(double mean, double stddev);
  double lognormal(double mu, double sigma);
  double gamma(double shape, double scale);  // Marsaglia–Tsang

 private:
  std::uint64_t s_[4];
  bool has_spare_normal_ = false;
  double spare_normal_ = 0.0;
};

}  // namespace xpusim
