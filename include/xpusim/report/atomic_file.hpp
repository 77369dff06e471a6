#pragma once
// An output file that appears whole or not at all: written under a temporary name in the same
// directory and renamed into place by commit(), so an interrupted run never leaves a half file
// that looks complete. commit_together() extends this to a run's set of files.
#include <filesystem>
#include <fstream>
#include <ostream>
#include <vector>

namespace xpusim::report {

// Writes to "PATH.tmp.<pid>"; commit() finishes (flushes, fsyncs, closes) and renames it to
// PATH (atomic on POSIX within one file system). Destroying an uncommitted AtomicFile removes
// the temporary file. Failures (cannot create, write, sync or rename) throw xpusim::Error
// naming the path.
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
  // Flushes, fsyncs and closes the temporary file; throws when any of it failed (a full disk,
  // RLIMIT_FSIZE). Idempotent.
  void finish();
  // finish(), then makes the file visible under path(). Calling it twice is an invariant
  // violation.
  void commit();
  // For commit_together: the file was renamed into place by someone else.
  void mark_committed() { committed_ = true; }

 private:
  std::filesystem::path path_;
  std::filesystem::path temp_path_;
  std::ofstream out_;
  bool finished_ = false;
  bool committed_ = false;
};

// Commits a run's files all or nothing. Contract: every file is finished (written, fsynced)
// before any is renamed; a failure there throws and leaves the directory as it was (the
// temporaries are removed by the files' destructors). Then the previous versions of the files
// are moved aside to "NAME.old.<pid>", the last file of `files` (summary.json, whose presence
// means "complete") first, the new files renamed into place, the last one last, and the
// directory fsynced; only then are the old versions deleted. A failing rename puts every old
// version back and removes the new ones before throwing. A crash (SIGKILL) in between leaves
// no file named like the last one, so the directory never reads as a complete mix; the old
// versions are left as NAME.old.<pid>.
void commit_together(const std::vector<AtomicFile*>& files);

}  // namespace xpusim::report
