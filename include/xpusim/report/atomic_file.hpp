#pragma once
// An output file that appears whole or not at all: written under a temporary name in the same
// directory and renamed into place by commit(), so an interrupted run never leaves a half file
// that looks complete.
#include <filesystem>
#include <fstream>
#include <ostream>

namespace xpusim::report {

// Writes to "PATH.tmp.<pid>"; commit() flushes, closes and renames it to PATH (atomic on POSIX
// within one file system). Destroying an uncommitted AtomicFile removes the temporary file.
// Failures (cannot create, write or rename) throw xpusim::Error naming the path.
class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  std::ostream& stream() { return out_; }
  const std::filesystem::path& path() const { return path_; }
  const std::filesystem::path& temp_path() const { return temp_path_; }
  bool committed() const { return committed_; }
  // Makes the file visible under path(). Calling it twice is an invariant violation.
  void commit();

 private:
  std::filesystem::path path_;
  std::filesystem::path temp_path_;
  std::ofstream out_;
  bool committed_ = false;
};

}  // namespace xpusim::report
