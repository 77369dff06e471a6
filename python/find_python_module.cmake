# Looks for what the Python module needs (docs/python.md): Python's headers and pybind11, both
# from the system's packages (Debian: python3-dev, pybind11-dev). Sets XPUSIM_PYTHON_FOUND; when
# either is missing the module is skipped with a note, and nothing else changes.
set(XPUSIM_PYTHON_FOUND OFF)
if(XPUSIM_BUILD_PYTHON AND NOT XPUSIM_SANITIZE AND NOT XPUSIM_FUZZ)
  # The system interpreter, the one whose packages (pandas) the docs and tests use, unless the
  # user names another with -DPython3_EXECUTABLE=...
  if(NOT DEFINED Python3_EXECUTABLE AND EXISTS /usr/bin/python3)
    set(Python3_EXECUTABLE /usr/bin/python3)
  endif()
  find_package(Python3 3.8 COMPONENTS Interpreter Development.Module QUIET)
  if(Python3_FOUND)
    find_package(pybind11 2.6 CONFIG QUIET)
  endif()
  if(Python3_FOUND AND pybind11_FOUND)
    set(XPUSIM_PYTHON_FOUND ON)
    message(STATUS "xpusim: Python module enabled (Python ${Python3_VERSION}, pybind11 ${pybind11_VERSION})")
  elseif(NOT Python3_FOUND)
    message(STATUS "xpusim: Python module skipped: Python 3 development headers not found (Debian: python3-dev)")
  else()
    message(STATUS "xpusim: Python module skipped: pybind11 not found (Debian: pybind11-dev)")
  endif()
endif()
