#include "xpusim/python/shared_catalogs.hpp"

namespace xpusim::python {

const scenario::Catalogs& shared_catalogs() {
  static const scenario::Catalogs catalogs = scenario::build_catalogs();
  return catalogs;
}

}  // namespace xpusim::python
