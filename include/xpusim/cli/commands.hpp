#pragma once
// The subcommands of the xpusim command line. Each returns the process exit code.
#include <string>
#include <vector>

namespace xpusim::cli {

// Exit codes: 0 success, 1 invalid input or failed run, 2 usage error, 3 internal error (bug).
inline constexpr int kExitOk = 0;
inline constexpr int kExitInput = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInternal = 3;

struct RunArgs {
  std::string scenario;
  std::string out_dir;
  std::vector<std::string> overrides;
  bool timeline = false;
  bool quiet = false;
};

int run_command(const RunArgs& args);
int validate_command(const std::vector<std::string>& files, const std::vector<std::string>& overrides);
int list_command(const std::string& family);

// `xpusim trace stats FILE [--format F]`: summarizes a trace file; format "" infers it.
struct TraceArgs {
  std::string file;
  std::string format;
};
int trace_command(const TraceArgs& args);

}  // namespace xpusim::cli
