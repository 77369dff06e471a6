#pragma once
// Runs the real xpusim binary and captures its exit code, stdout and stderr.
#include "xpusim/build_paths.hpp"
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace xpusim::cli::testing {

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Rows of a CSV without quoted fields (what xpusim writes when no field needs quoting).
inline std::vector<std::vector<std::string>> csv_rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> cells;
    std::istringstream l(line);
    for (std::string c; std::getline(l, c, ',');) cells.push_back(c);
    if (!line.empty() && line.back() == ',') cells.emplace_back();
    rows.push_back(cells);
  }
  return rows;
}

// Runs in `cwd` when given (relative paths in args are then relative to it). Files the command
// writes are capped at ~1 GB (`ulimit -f`, 512-byte blocks in POSIX sh): a regression that prints
// without end (a list padding bug once wrote 39 GB of spaces) then fails its test with SIGXFSZ
// instead of filling the disk.
inline Outcome run_xpusim(const std::string& args, const std::filesystem::path& scratch,
                          const std::filesystem::path& cwd = {}) {
  std::filesystem::create_directories(scratch);
  const auto out = scratch / "stdout.txt", err = scratch / "stderr.txt";
  const std::string cd = cwd.empty() ? "" : "cd '" + cwd.string() + "' && ";
  const std::string cmd = "ulimit -f 2000000; " + cd + std::string(XPUSIM_BINARY) + " " + args + " >" + out.string() +
                          " 2>" + err.string() + " </dev/null";
  const int status = std::system(cmd.c_str());
  Outcome o;
  o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  o.out = slurp(out);
  o.err = slurp(err);
  return o;
}

}  // namespace xpusim::cli::testing
