// Diagnostics on stderr as the command line prints them ("warning: ..."), at its default level
// (warnings and errors); set_log_level("info") is `xpusim -v`, "debug" is `-vv`.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <string>

#include "xpusim/python/bindings.hpp"

namespace py = pybind11;

namespace xpusim::python {

void bind_logging(py::module_& m) {
  // The logger is made here, once: spdlog's registry refuses a second logger of one name.
  if (!spdlog::get("xpusim")) spdlog::set_default_logger(spdlog::stderr_color_st("xpusim"));
  spdlog::set_pattern("%^%l%$: %v");  // as the command line
  spdlog::set_level(spdlog::level::warn);
  m.def("set_log_level", [](const std::string& name) {
    const auto level = spdlog::level::from_str(name);
    if (level == spdlog::level::off && name != "off")
      throw py::value_error("log level '" + name + "': expected debug, info, warning, error or off");
    spdlog::set_level(level);
  }, py::arg("level"), "debug | info | warning | error | off (default: warning)");
}

}  // namespace xpusim::python
