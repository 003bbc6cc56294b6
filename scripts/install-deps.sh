#!/bin/sh
# Installs the Debian 12 packages that the C system-library targets (CSnappy, CZstd, CLZ4,
# CZlib, CBrotli, COpenSSL) link against. Idempotent and silent when everything is already present;
# installing needs root (CI runs it as root).
set -eu

packages="libsnappy-dev libzstd-dev liblz4-dev zlib1g-dev libbrotli-dev libssl-dev libsqlite3-dev postgresql pkg-config"

missing=""
for package in $packages; do
    # dpkg -s also lists removed-but-configured packages; require the installed state.
    status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
    if [ "$status" != "installed" ]; then
        missing="$missing $package"
    fi
done

[ -z "$missing" ] && exit 0

echo "install-deps: installing$missing"
if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: must run as root to install packages" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086  # the list is meant to split into words
apt-get install -y -qq --no-install-recommends $missing >/dev/null
