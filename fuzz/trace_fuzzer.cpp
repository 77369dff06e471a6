// libFuzzer target: any bytes as a trace file of one format (XPUSIM_FUZZ_FORMAT). Reading
// must yield rows or an xpusim::Error naming file and line; anything else is a bug.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

#include "xpusim/core/error.hpp"
#include "xpusim/workload/trace_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace xpusim::workload;
  // Readers stream from files, so the input goes through one (per process, rewritten each time).
  static const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                            ("xpusim_fuzz_" + std::to_string(::getpid()) + ".trace");
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    const auto reader = open_trace(parse_trace_format(XPUSIM_FUZZ_FORMAT), path);
    TraceRow row;
    xpusim::TimeNs last = 0;
    while (reader->next(row)) {
      // The reader's promises: arrivals never go backwards, token counts are positive.
      if (row.offset_ns < last || row.prompt_tokens < 1 || row.output_tokens < 1) __builtin_trap();
      last = row.offset_ns;
    }
  } catch (const xpusim::InvariantError&) {
    throw;
  } catch (const xpusim::Error&) {
  }
  return 0;
}
