#include "xpusim/report/atomic_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

#include "xpusim/core/error.hpp"

namespace xpusim::report {
namespace {

std::filesystem::path temp_name_for(const std::filesystem::path& path) {
  // The pid keeps two processes writing the same output (a sweep gone wrong) from sharing a
  // temporary file; the same directory keeps the final rename atomic.
  std::filesystem::path temp = path;
  temp += ".tmp." + std::to_string(static_cast<long long>(::getpid()));
  return temp;
}

}  // namespace

AtomicFile::AtomicFile(std::filesystem::path path)
    : path_(std::move(path)), temp_path_(temp_name_for(path_)) {
  out_.open(temp_path_, std::ios::out | std::ios::binary | std::ios::trunc);
  if (!out_) {
    const int err = errno;
    throw Error("cannot write output file " + path_.string() + " (creating " +
                temp_path_.string() + " failed: " + std::strerror(err) + ")");
  }
}

AtomicFile::~AtomicFile() {
  if (committed_) return;
  out_.close();
  std::error_code ignored;  // a destructor must not throw; a leftover .tmp file is harmless
  std::filesystem::remove(temp_path_, ignored);
}

void AtomicFile::commit() {
  XPUSIM_CHECK(!committed_, "AtomicFile committed twice");
  out_.flush();
  const bool wrote = static_cast<bool>(out_);
  out_.close();
  if (!wrote || out_.fail()) {
    throw Error("cannot write output file " + path_.string() + " (writing " +
                temp_path_.string() + " failed)");
  }
  std::error_code ec;
  std::filesystem::rename(temp_path_, path_, ec);
  if (ec) {
    throw Error("cannot write output file " + path_.string() + " (renaming " +
                temp_path_.string() + " failed: " + ec.message() + ")");
  }
  committed_ = true;
}

}  // namespace xpusim::report
