#include "xpusim/report/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <system_error>

#include "xpusim/core/error.hpp"

namespace xpusim::report {
namespace {

namespace fs = std::filesystem;

fs::path with_suffix(const fs::path& path, const char* what) {
  // The pid keeps two processes writing the same output (a sweep gone wrong) from sharing a
  // temporary file; the same directory keeps the final rename atomic.
  fs::path p = path;
  p += std::string(what) + std::to_string(static_cast<long long>(::getpid()));
  return p;
}

// fsync of a path (a file or a directory); returns errno, 0 on success.
int sync_path(const fs::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return errno;
  const int rc = ::fsync(fd);
  const int err = rc == 0 ? 0 : errno;
  ::close(fd);
  // Directories on some file systems refuse fsync (EINVAL); the rename is still done.
  return err == EINVAL ? 0 : err;
}

}  // namespace

AtomicFile::AtomicFile(fs::path path)
    : path_(std::move(path)), temp_path_(with_suffix(path_, ".tmp.")) {
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
  fs::remove(temp_path_, ignored);
}

void AtomicFile::finish() {
  if (finished_) return;
  out_.flush();
  const bool wrote = static_cast<bool>(out_);
  out_.close();
  if (!wrote || out_.fail()) {
    throw Error("cannot write output file " + path_.string() + " (writing " +
                temp_path_.string() + " failed: disk full or file size limit?)");
  }
  if (const int err = sync_path(temp_path_, O_RDONLY))
    throw Error("cannot write output file " + path_.string() + " (syncing " +
                temp_path_.string() + " failed: " + std::strerror(err) + ")");
  finished_ = true;
}

void AtomicFile::commit() {
  XPUSIM_CHECK(!committed_, "AtomicFile committed twice");
  finish();
  std::error_code ec;
  fs::rename(temp_path_, path_, ec);
  if (ec) {
    throw Error("cannot write output file " + path_.string() + " (renaming " +
                temp_path_.string() + " failed: " + ec.message() + ")");
  }
  committed_ = true;
}

namespace {

// The renames of commit_together with their undo log.
class RenameTransaction {
 public:
  ~RenameTransaction() {
    if (!done_) rollback();
  }

  // Moves an existing `path` aside (remembering it) so that it can be restored.
  void move_aside(const fs::path& path) {
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(path, ec))) return;
    const fs::path old = with_suffix(path, ".old.");
    fs::rename(path, old, ec);
    if (ec) fail(path, "moving the previous version aside", ec);
    aside_.emplace_back(path, old);
  }

  void put_in_place(AtomicFile& f) {
    std::error_code ec;
    fs::rename(f.temp_path(), f.path(), ec);
    if (ec) fail(f.path(), "renaming " + f.temp_path().string(), ec);
    placed_.push_back(&f);
  }

  // Success: the old versions are deleted and the new files marked committed.
  void finish(const fs::path& dir) {
    done_ = true;
    for (AtomicFile* f : placed_) f->mark_committed();
    (void)sync_path(dir.empty() ? fs::path(".") : dir, O_RDONLY | O_DIRECTORY);
    std::error_code ignored;
    for (const auto& [path, old] : aside_) fs::remove(old, ignored);
  }

 private:
  [[noreturn]] void fail(const fs::path& path, const std::string& what, const std::error_code& ec) {
    throw Error("cannot write output file " + path.string() + " (" + what +
                " failed: " + ec.message() + "); the previous files were restored");
  }

  void rollback() {
    std::error_code ignored;
    // New files go back to their temporary names (removed by the AtomicFile destructors);
    // the old versions return under their names.
    for (AtomicFile* f : placed_) fs::rename(f->path(), f->temp_path(), ignored);
    for (const auto& [path, old] : aside_) fs::rename(old, path, ignored);
  }

  std::vector<std::pair<fs::path, fs::path>> aside_;
  std::vector<AtomicFile*> placed_;
  bool done_ = false;
};

}  // namespace

void commit_together(const std::vector<AtomicFile*>& files) {
  if (files.empty()) return;
  for (AtomicFile* f : files) XPUSIM_CHECK(!f->committed(), "AtomicFile committed twice");
  for (AtomicFile* f : files) f->finish();
  RenameTransaction tx;
  tx.move_aside(files.back()->path());  // first: no "complete" marker while files change
  for (std::size_t i = 0; i + 1 < files.size(); ++i) tx.move_aside(files[i]->path());
  for (AtomicFile* f : files) tx.put_in_place(*f);  // the last one (summary.json) last
  tx.finish(files.back()->path().parent_path());
}

}  // namespace xpusim::report
