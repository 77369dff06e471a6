#include "xpusim/cli/run_info.hpp"

#include <unistd.h>

#include <ctime>

#include <nlohmann/json.hpp>

#include "xpusim/git_commit.hpp"
#include "xpusim/version.hpp"

namespace xpusim::cli {

namespace fs = std::filesystem;

const char* version() { return XPUSIM_VERSION; }
const char* git_commit() { return XPUSIM_GIT_COMMIT; }

std::string version_line() {
  return std::string("xpusim ") + version() + " (commit " + git_commit() + ")";
}

namespace {

// strftime of a UTC time; `format` without a seconds fraction.
std::string utc_text(std::chrono::system_clock::time_point t, const char* format) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  const std::size_t n = std::strftime(buf, sizeof buf, format, &tm);
  return std::string(buf, n);
}

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

}  // namespace

std::string run_record_json(const RunRecord& record) {
  const auto wall = std::chrono::steady_clock::now() - record.start_steady;
  nlohmann::json j;
  j["version"] = version();
  j["commit"] = git_commit();
  j["command_line"] = record.command_line;
  if (!record.python_call.empty()) j["python_call"] = record.python_call;
  j["scenario"] = record.scenario;
  std::error_code ec;
  j["working_dir"] = fs::current_path(ec).string();
  j["seed"] = record.seed;
  j["start_utc"] = utc_text(record.start, "%Y-%m-%dT%H:%M:%SZ");
  j["wall_s"] = std::chrono::duration<double>(wall).count();
  j["host"] = host_name();
  return j.dump(2) + "\n";
}

fs::path timestamped_dir(const fs::path& dir, const std::string& name,
                         std::chrono::system_clock::time_point start) {
  const fs::path stem = dir / name / utc_text(start, "%Y-%m-%d_%H-%M-%S");
  fs::path candidate = stem;
  std::error_code ec;
  for (int n = 2; fs::exists(candidate, ec); ++n) candidate = stem.string() + "-" + std::to_string(n);
  return candidate;
}

bool in_use(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return false;
  if (!fs::is_directory(dir, ec)) return true;
  return fs::directory_iterator(dir, ec) != fs::directory_iterator();
}

}  // namespace xpusim::cli
