#pragma once
// Provenance of a run: the version (CMake's project version, the one place it is written) and
// the build's git commit, the record written as run.json, and the choice of output folder.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace xpusim::cli {

// "0.2.0": CMakeLists.txt's project(VERSION), as CHANGELOG.md's newest release names it.
const char* version();
// The commit the binary was built from ("abc123def456", "-dirty" when the checkout had
// uncommitted changes, "unknown" outside a git checkout).
const char* git_commit();
// What `xpusim --version` prints: "xpusim 0.2.0 (commit abc123def456)".
std::string version_line();

// What run.json records; wall time is measured from `start` to when the text is made.
struct RunRecord {
  std::vector<std::string> command_line;  // argv as given
  std::string scenario;                   // the scenario file as given
  std::uint64_t seed = 0;
  std::chrono::system_clock::time_point start;
  std::chrono::steady_clock::time_point start_steady;
  std::string python_call;  // a run from the Python module: the call that made it (else empty)
};
// run.json's text (a JSON object; times in UTC, ISO 8601).
std::string run_record_json(const RunRecord& record);

// The default output folder of a run started at `start`: DIR/NAME/YYYY-MM-DD_HH-MM-SS (UTC),
// with "-2", "-3"... appended when a run in the same second took that name.
std::filesystem::path timestamped_dir(const std::filesystem::path& dir, const std::string& name,
                                      std::chrono::system_clock::time_point start);

// Whether `dir` exists and holds anything (a file that is not a directory counts as in use).
bool in_use(const std::filesystem::path& dir);

}  // namespace xpusim::cli
