#!/usr/bin/env bash
# Makes sure the real programs the tests run are installed: mosquitto (broker and clients), influxd
# (InfluxDB 1.x), socat (serial PTY pairs), shellcheck (the install scripts must be clean) and chromium (the
# portal is tested in a real headless browser) and redis-server (the embedded broker's cluster mode).
# Installs them with apt-get when run as root; otherwise prints the exact command and exits non-zero,
# so tests never silently skip.
set -euo pipefail

declare -A package_of=(
  [mosquitto]=mosquitto
  [mosquitto_sub]=mosquitto-clients
  [mosquitto_pub]=mosquitto-clients
  [influxd]=influxdb
  [socat]=socat
  [shellcheck]=shellcheck
  [chromium]=chromium
  [redis-server]=redis-server
)

missing=()
for bin in "${!package_of[@]}"; do
  if ! PATH="$PATH:/usr/sbin:/sbin" command -v "$bin" >/dev/null 2>&1; then
    missing+=("${package_of[$bin]}")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

mapfile -t packages < <(printf '%s\n' "${missing[@]}" | sort -u)
command="apt-get update && apt-get install -y ${packages[*]}"

if [ "$(id -u)" -ne 0 ]; then
  echo "wattbus tests need: ${packages[*]}" >&2
  echo "Install them, then run the tests again:" >&2
  echo "  sudo sh -c '$command'" >&2
  exit 1
fi

echo "Installing ${packages[*]} for the integration tests…" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >&2

# The tests start their own instances on free ports; the packaged services would only occupy
# 1883 and 8086 (where `pnpm demo` listens) and 6379, so stop the ones this script just installed.
if [ -d /run/systemd/system ]; then
  for service in mosquitto influxdb redis-server; do
    if printf '%s\n' "${packages[@]}" | grep -qx "${service}"; then
      if systemctl disable --now "$service" >/dev/null 2>&1; then
        echo "Stopped the packaged $service service (tests run their own)." >&2
      fi
    fi
  done
fi
