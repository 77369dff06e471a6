// Static NPU prefill shapes: parsing the list and padding a chunk to the next compiled shape.
#include "xpusim/hw/npu_shapes.hpp"

#include <gtest/gtest.h>

#include "xpusim/core/params.hpp"

namespace xpusim::hw {
namespace {

TEST(NpuShapes, ParsesSortsAndDeduplicates) {
  EXPECT_EQ(parse_shape_list("512, 128,256,128", "k"),
            (std::vector<std::int64_t>{128, 256, 512}));
  EXPECT_TRUE(parse_shape_list("", "k").empty());
  EXPECT_TRUE(parse_shape_list("  ", "k").empty());
  EXPECT_EQ(format_shape_list({128, 256, 1024}), "128,256,1024");
}

TEST(NpuShapes, RejectsEntriesThatAreNotTokenCounts) {
  for (const char* bad : {"12a", "0", "-4", "128,,256", "128,", "1.5", "20000000"}) {
    try {
      parse_shape_list(bad, "npu_prefill_shapes");
      ADD_FAILURE() << bad;
    } catch (const ParamError& e) {
      EXPECT_EQ(e.key(), "npu_prefill_shapes") << bad;
      EXPECT_NE(std::string(e.what()).find("comma-separated"), std::string::npos) << e.what();
    }
  }
}

TEST(NpuShapes, PadsToTheSmallestShapeThatHoldsTheChunk) {
  const std::vector<std::int64_t> shapes{128, 256, 1024};
  EXPECT_EQ(padded_shape(shapes, 1), 128);
  EXPECT_EQ(padded_shape(shapes, 100), 128);
  EXPECT_EQ(padded_shape(shapes, 128), 128);  // an exact shape is not padded
  EXPECT_EQ(padded_shape(shapes, 129), 256);
  EXPECT_EQ(padded_shape(shapes, 1024), 1024);
  EXPECT_EQ(padded_shape(shapes, 1025), std::nullopt);  // no compiled shape holds it
  EXPECT_EQ(padded_shape({}, 777), 777);                // dynamic shapes: no padding
}

}  // namespace
}  // namespace xpusim::hw
