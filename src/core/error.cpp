#include "xpusim/core/error.hpp"

namespace xpusim {

void invariant_failed(const char* expr, const char* file, int line, const std::string& msg) {
  throw InvariantError(std::string("invariant violated: ") + expr + " (" + file + ":" +
                       std::to_string(line) + "): " + msg);
}

}  // namespace xpusim
