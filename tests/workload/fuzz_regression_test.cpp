// Replays the trace inputs that once broke a reader (tests/fuzz_regressions/fuzz_trace_<format>):
// each must read or fail with an xpusim::Error naming the file and line.
#include <gtest/gtest.h>

#include "xpusim/build_paths.hpp"
#include "xpusim/core/error.hpp"
#include "xpusim/workload/trace_reader.hpp"

namespace xpusim::workload {
namespace {

namespace fs = std::filesystem;

TEST(FuzzRegressions, EveryTraceInputReadsOrFailsCleanly) {
  const fs::path root = fs::path(XPUSIM_SOURCE_DIR) / "tests" / "fuzz_regressions";
  int replayed = 0;
  for (const char* format : kTraceFormatNames) {
    const fs::path dir = root / (std::string("fuzz_trace_") + format);
    if (!fs::exists(dir)) continue;
    for (const auto& entry : fs::directory_iterator(dir)) {
      SCOPED_TRACE(entry.path().string());
      try {
        const auto reader = open_trace(parse_trace_format(format), entry.path());
        TraceRow row;
        TimeNs last = 0;
        while (reader->next(row)) {
          EXPECT_GE(row.offset_ns, last);
          EXPECT_GE(row.prompt_tokens, 1);
          last = row.offset_ns;
        }
      } catch (const InvariantError& e) {
        ADD_FAILURE() << "invariant broken: " << e.what();
      } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find(entry.path().filename().string()), std::string::npos)
            << "the message must name the file: " << e.what();
      }
      ++replayed;
    }
  }
  EXPECT_GE(replayed, 2);
}

}  // namespace
}  // namespace xpusim::workload
