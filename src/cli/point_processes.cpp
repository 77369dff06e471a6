#include "xpusim/cli/point_processes.hpp"
#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "xpusim/core/error.hpp"
#include "xpusim/report/atomic_file.hpp"
#include "xpusim/experiments/sweep_results.hpp"

extern char** environ;

namespace xpusim::cli {

namespace {

// The lines of a failed run's log worth showing: its "error:" lines, else its last line.
std::string error_lines(const std::filesystem::path& log) {
  std::ifstream in(log);
  std::string line, errors, last;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    last = line;
    for (const char* lead : {"error: ", "internal error"})
      if (line.rfind(lead, 0) == 0) {
        const std::string text = line.rfind("error: ", 0) == 0 ? line.substr(7) : line;
        errors += (errors.empty() ? "" : "; ") + text;
      }
  }
  return errors.empty() ? last : errors;
}

// Set by the SIGINT handler while points run. A signal handler can only reach a flag like this,
// so it is the one file-local static here.
volatile std::sig_atomic_t g_interrupt_requested = 0;
extern "C" void on_sigint(int) { g_interrupt_requested = 1; }

// Catches Ctrl-C for the sweep's lifetime (the children, in the same process group, get it too
// and stop), so the sweep can still write results.csv for what finished. Restores the old action.
class SigintGuard {
 public:
  SigintGuard() {
    g_interrupt_requested = 0;
    struct sigaction sa {};
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: waitpid returns EINTR
    sigaction(SIGINT, &sa, &old_);
  }
  ~SigintGuard() { sigaction(SIGINT, &old_, nullptr); }
  SigintGuard(const SigintGuard&) = delete;
  SigintGuard& operator=(const SigintGuard&) = delete;

 private:
  struct sigaction old_ {};
};

// A child stopped by Ctrl-C: killed by SIGINT, or exiting 130 (128 + SIGINT) from a handler.
bool interrupted(int status) {
  return (WIFSIGNALED(status) && WTERMSIG(status) == SIGINT) ||
         (WIFEXITED(status) && WEXITSTATUS(status) == 128 + SIGINT);
}

}  // namespace

std::filesystem::path self_executable() {
  std::error_code ec;
  const auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) throw Error("cannot find the xpusim executable (/proc/self/exe): " + ec.message());
  return p;
}

int spawn_point(const std::filesystem::path& exe, const std::filesystem::path& base,
                const experiments::SweepPoint& point, const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  std::filesystem::remove(dir / experiments::kPointErrorFile);
  // --force: the folder already holds this run's run.log (and a failed earlier try's files).
  std::vector<std::string> args = {exe.string(), "run", base.string(), "-q", "--force", "-o", dir.string()};
  for (const auto& o : point.overrides) {
    args.push_back("--set");
    args.push_back(o);
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const std::string log = (dir / "run.log").string();
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw Error("cannot start " + exe.string() + ": " + std::strerror(rc));
  return pid;
}

bool settle_point(const std::filesystem::path& dir, int status) {
  const bool exited_ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (exited_ok && experiments::point_complete(dir)) return true;
  std::string why = error_lines(dir / "run.log");
  if (WIFSIGNALED(status))
    why = "killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
          strsignal(WTERMSIG(status)) + ")" + (why.empty() ? "" : ": " + why);
  else if (why.empty())
    why = "exited with code " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  report::AtomicFile err(dir / experiments::kPointErrorFile);
  err.stream() << why << "\n";
  err.commit();
  return false;
}

void run_point_processes(const std::filesystem::path& base,
                         const std::vector<experiments::SweepPoint>& points,
                         const std::filesystem::path& points_dir, int jobs,
                         const std::function<void(const experiments::SweepPoint&, bool)>& on_done) {
  const auto exe = self_executable();
  const SigintGuard guard;
  std::map<int, std::size_t> running;  // pid -> position in `points`
  std::size_t next = 0;
  const auto stop_starting = [&] {
    if (next >= points.size()) return;
    spdlog::warn("interrupted: {} points not started; run the same command again to resume",
                 points.size() - next);
    next = points.size();
  };
  while (next < points.size() || !running.empty()) {
    if (g_interrupt_requested) stop_starting();
    while (next < points.size() && static_cast<int>(running.size()) < std::max(jobs, 1)) {
      running[spawn_point(exe, base, points[next], points_dir / points[next].id)] = next;
      ++next;
    }
    int status = 0;
    const pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      throw Error(std::string("waiting for sweep points: ") + std::strerror(errno));
    }
    const auto it = running.find(pid);
    if (it == running.end()) continue;  // not one of ours
    const experiments::SweepPoint& p = points[it->second];
    running.erase(it);
    // Ctrl-C reaches the whole process group: stop starting points, let the running ones end.
    if (interrupted(status)) stop_starting();
    on_done(p, settle_point(points_dir / p.id, status));
  }
}

}  // namespace xpusim::cli
