// Entry point of the extension module xpusim._xpusim.
#include "xpusim/python/bindings.hpp"

#ifndef XPUSIM_VERSION
#define XPUSIM_VERSION "unknown"
#endif

PYBIND11_MODULE(_xpusim, m) {
  m.doc() = "xpusim's C++ core; use the package `xpusim` (docs/python.md), not this module";
  m.attr("__version__") = XPUSIM_VERSION;
  xpusim::python::bind_errors(m);
  xpusim::python::bind_logging(m);
  xpusim::python::bind_run(m);
  xpusim::python::bind_sweep(m);
  xpusim::python::bind_listing(m);
}
