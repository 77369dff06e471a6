#!/usr/bin/env bash
# Installs the Debian packages xpusim builds against, only those missing. Idempotent.
set -euo pipefail
pkgs=(cmake make g++ ccache pkg-config
      libboost-graph-dev libeigen3-dev libyaml-cpp-dev libspdlog-dev libfmt-dev
      libcli11-dev nlohmann-json3-dev libgtest-dev libgmock-dev googletest libbenchmark-dev)
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
