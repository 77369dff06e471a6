"""Shared by the Python module's tests: the module (or a clean skip), the xpusim binary, and
running it the way a user would."""
import os
import subprocess
import unittest

# The repository root: tests run from there (ctest's working folder), as the C++ tests do.
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NOT_BUILT = "skipped: the Python module was not built"

try:
    import xpusim  # noqa: F401
except ModuleNotFoundError as e:  # the module is optional (CMake builds it when pybind11 is found)
    xpusim = None
    IMPORT_ERROR = str(e)
    BROKEN = False
except ImportError as e:  # built but does not load (an undefined symbol): a failure, not a skip
    xpusim = None
    IMPORT_ERROR = str(e)
    BROKEN = True
else:
    IMPORT_ERROR = ""
    BROKEN = False


def require_module():
    if BROKEN:
        raise AssertionError(f"the Python module was built but does not import: {IMPORT_ERROR}")
    if xpusim is None:
        raise unittest.SkipTest(f"{NOT_BUILT} ({IMPORT_ERROR})")
    return xpusim


def binary():
    path = os.environ.get("XPUSIM_BINARY", os.path.join(ROOT, "build", "release", "xpusim"))
    if not os.path.exists(path):
        raise unittest.SkipTest(f"skipped: no xpusim binary at {path}")
    return path


def cli(*args, check=True):
    """Runs `xpusim ARGS...` from the repository root; returns the CompletedProcess."""
    p = subprocess.run([binary(), *args], cwd=ROOT, capture_output=True, text=True, timeout=120)
    if check and p.returncode != 0:
        raise AssertionError(f"xpusim {' '.join(args)} exited {p.returncode}: {p.stderr}")
    return p


def read(path, mode="r"):
    with open(path, mode) as f:
        return f.read()
