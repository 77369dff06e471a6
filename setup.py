"""Builds the Python module's extension with CMake for `pip install .` (see pyproject.toml and
docs/python.md). The C++ build is the project's own (CMakeLists.txt); this only drives it."""
import os
import re
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = os.path.dirname(os.path.abspath(__file__))


def project_version():
    with open(os.path.join(ROOT, "CMakeLists.txt"), encoding="utf-8") as f:
        m = re.search(r"project\(xpusim VERSION ([0-9.]+)", f.read())
    if not m:
        raise RuntimeError("CMakeLists.txt: no `project(xpusim VERSION x.y.z)`")
    return m.group(1)


class CMakeExtension(Extension):
    def __init__(self, name):
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    """Configures build/pip with the release preset's settings (so the numbers are those of
    `xpusim run` built by `make build`) for this interpreter, builds the module, copies it."""

    def build_extension(self, ext):
        build = os.path.join(ROOT, "build", "pip")
        subprocess.check_call(["cmake", "-S", ROOT, "-B", build, "-DCMAKE_BUILD_TYPE=Release",
                               "-DXPUSIM_INVARIANTS=ON", "-DXPUSIM_BUILD_TESTS=OFF",
                               "-DXPUSIM_BUILD_BENCH=OFF", "-DXPUSIM_BUILD_PYTHON=ON",
                               f"-DPython3_EXECUTABLE={sys.executable}"])
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL", str(os.cpu_count() or 1))
        subprocess.check_call(["cmake", "--build", build, "--target", "xpusim_python", "-j", jobs])
        target = self.get_ext_fullpath(ext.name)
        built = os.path.join(build, "python", "xpusim", os.path.basename(target))
        if not os.path.exists(built):
            raise RuntimeError(f"{built} was not built: is pybind11 installed (pybind11-dev)? "
                               "See the CMake output above.")
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(built, target)


setup(
    version=project_version(),
    packages=["xpusim"],
    package_dir={"": "python"},
    ext_modules=[CMakeExtension("xpusim._xpusim")],
    cmdclass={"build_ext": CMakeBuild},
)
