#!/usr/bin/env bash
# Installs the Debian packages xpusim builds against, only those missing. Idempotent.
# Optional groups as arguments: `figures` (pandas, matplotlib for scripts/figures/) and `mpi`
# (Open MPI, for `xpusim sweep --mpi`; CMake builds the MPI path only when it is present).
set -euo pipefail
pkgs=(cmake make g++ ccache pkg-config
      libboost-graph-dev libyaml-cpp-dev libspdlog-dev libfmt-dev
      libcli11-dev nlohmann-json3-dev libgtest-dev libgmock-dev googletest libbenchmark-dev)
for group in "$@"; do
  case "$group" in
    figures) pkgs+=(python3-pandas python3-matplotlib) ;;
    mpi) pkgs+=(libopenmpi-dev openmpi-bin) ;;
    *) echo "install-deps: unknown group '$group' (expected figures or mpi)" >&2; exit 2 ;;
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
