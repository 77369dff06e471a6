#!/usr/bin/env bash
# Installs the Debian packages xpusim builds against, only those missing. Idempotent.
# Optional groups as arguments: `figures` (pandas, matplotlib for scripts/figures/), `mpi`
# (Open MPI, for `xpusim sweep --mpi`; CMake builds the MPI path only when it is present) and
# `python` (pandas, PyYAML, pip, setuptools, venv: DataFrames and `pip install .` for the Python
# module, which python3-dev + pybind11-dev below let CMake build; docs/python.md).
set -euo pipefail
pkgs=(cmake make g++ ccache pkg-config
      libboost-graph-dev libyaml-cpp-dev libspdlog-dev libfmt-dev
      libcli11-dev nlohmann-json3-dev libgtest-dev libgmock-dev googletest libbenchmark-dev
      python3-dev pybind11-dev)
for group in "$@"; do
  case "$group" in
    figures) pkgs+=(python3-pandas python3-matplotlib) ;;
    mpi) pkgs+=(libopenmpi-dev openmpi-bin) ;;
    python) pkgs+=(python3-pandas python3-yaml python3-pip python3-setuptools python3-wheel python3-venv) ;;
    *) echo "install-deps: unknown group '$group' (expected figures, mpi or python)" >&2; exit 2 ;;
  esac
done
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
