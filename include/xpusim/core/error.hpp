#pragma once
// Errors a user can cause (bad YAML, bad trace row, impossible hardware) versus broken invariants.
#include <stdexcept>
#include <string>

namespace xpusim {

// A problem in the user's input; the CLI prints what() as one line and exits non-zero.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A broken internal invariant: a bug in xpusim, never the user's fault.
class InvariantError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

[[noreturn]] void invariant_failed(const char* expr, const char* file, int line, const std::string& msg);

}  // namespace xpusim

// Cheap invariants stay on in every build.
#define XPUSIM_CHECK(cond, msg)                                               \
  do {                                                                        \
    if (!(cond)) ::xpusim::invariant_failed(#cond, __FILE__, __LINE__, (msg)); \
  } while (0)

// Invariants that cost time (walks over containers) are checked in invariant-enabled builds,
// which the test suite uses.
#ifdef XPUSIM_INVARIANTS
#define XPUSIM_DEBUG_CHECK(cond, msg) XPUSIM_CHECK(cond, msg)
inline constexpr bool kXpusimInvariants = true;
#else
#define XPUSIM_DEBUG_CHECK(cond, msg) \
  do {                                \
  } while (0)
inline constexpr bool kXpusimInvariants = false;
#endif
