#!/usr/bin/env bash
# Minimal placeholder (the real one comes from another branch): Debian -dev packages for the
# compression system libraries, installed only when missing.
set -euo pipefail
pkgs=(libsnappy-dev libzstd-dev liblz4-dev zlib1g-dev libbrotli-dev pkg-config)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
