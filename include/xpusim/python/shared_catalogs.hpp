#pragma once
// The catalogs the module's loads share: built once, kept for the life of the interpreter (a
// loaded serving scenario refers to them while it runs).
#include "xpusim/scenario/catalogs.hpp"

namespace xpusim::python {

const scenario::Catalogs& shared_catalogs();

}  // namespace xpusim::python
