// Errors raised into Python carry the text `xpusim run` prints after "error: ".
#include <string>
#include <vector>

#include "xpusim/core/error.hpp"
#include "xpusim/core/excerpt.hpp"
#include "xpusim/python/bindings.hpp"
#include "xpusim/scenario/diagnostics.hpp"
#include "xpusim/scenario/run_guard.hpp"

namespace py = pybind11;

namespace xpusim::python {

namespace {

// Created once when the module is imported and kept for the life of the interpreter (a
// translator has no state of its own to hold them).
PyObject* g_error = nullptr;
PyObject* g_scenario_error = nullptr;
PyObject* g_run_stopped = nullptr;

PyObject* new_exception(py::module_& m, const char* name, PyObject* bases, const char* doc) {
  const std::string qualified = std::string("xpusim.") + name;
  PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases, nullptr);
  if (type == nullptr) throw py::error_already_set();
  m.attr(name) = py::handle(type);  // the module holds a reference too
  return type;
}

void raise(PyObject* type, const std::string& message, const std::vector<std::string>& lines) {
  py::list messages;
  for (const auto& line : lines) messages.append(line);
  py::object instance = py::handle(type)(message);
  instance.attr("messages") = messages;
  PyErr_SetObject(type, instance.ptr());
}

}  // namespace

void bind_errors(py::module_& m) {
  g_error = new_exception(m, "Error", PyExc_Exception,
                          "A problem in the user's input (scenario, trace, sweep file); "
                          "`messages` holds one line per problem.");
  py::tuple scenario_bases = py::make_tuple(py::handle(g_error), py::handle(PyExc_ValueError));
  g_scenario_error = new_exception(m, "ScenarioError", scenario_bases.ptr(),
                                   "An invalid scenario: every problem found, each naming "
                                   "file, line, key and what was expected (`messages`).");
  g_run_stopped = new_exception(m, "RunStopped", g_error,
                                "A run stopped by max_events, max_wall_s or the watchdog.");
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const scenario::ScenarioError& e) {
      std::vector<std::string> lines;
      std::string joined;
      for (const auto& message : e.messages()) {
        lines.push_back(safe_message(message));
        joined += (joined.empty() ? "" : "\n") + lines.back();
      }
      raise(g_scenario_error, joined, lines);
    } catch (const scenario::RunStopped& e) {
      if (e.why() == scenario::RunStopped::Why::Signal) {
        PyErr_SetString(PyExc_KeyboardInterrupt, safe_message(e.what()).c_str());
        return;
      }
      const std::string message = safe_message(e.what());
      raise(g_run_stopped, message, {message});
    } catch (const Error& e) {
      const std::string message = safe_message(e.what());
      raise(g_error, message, {message});
    }
  });
}

}  // namespace xpusim::python
