// estimate() runs once per simulated iteration, so it must not allocate. This binary replaces
// the global operator new with a counting one (test-only; product code never does this).
#include <gtest/gtest.h>

#include <cstdlib>
#include <new>

#include "model/presets.hpp"
#include "xpusim/model/roofline_model.hpp"

namespace {
std::size_t& allocations() {
  static std::size_t count = 0;
  return count;
}
}  // namespace

void* operator new(std::size_t size) {
  ++allocations();
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace xpusim::model {
namespace {

TEST(RooflineHotPath, EstimateDoesNotAllocate) {
  // MoE with dense first layer, TP 2, layered prefill with decode: every path of estimate().
  const RooflineModel m(testing::load_model("deepseek-v2-lite"),
                        Placement{testing::load_device("h100-sxm"), 2, 0, 1e-5}, {});
  BatchShape b;
  b.decode_seqs = 100;
  b.decode_context_sum = 100 * 1000;
  b.prefill_seqs = 1;
  b.prefill_tokens = 512;
  b.prefill_attention_pairs = 512.0 * 513 / 2;
  b.prefill_layer_fraction = 0.5;
  std::size_t before = allocations();
  // The counter must see allocations at all (a direct call: new-expressions may be elided).
  ::operator delete(::operator new(16));
  ASSERT_EQ(allocations(), before + 1);
  before = allocations();
  TimeNs sum = 0;
  for (int i = 0; i < 1000; ++i) {
    b.decode_context_sum += i;
    sum += m.estimate(b).time_ns;
  }
  EXPECT_EQ(allocations(), before);
  EXPECT_GT(sum, 0);
}

}  // namespace
}  // namespace xpusim::model
