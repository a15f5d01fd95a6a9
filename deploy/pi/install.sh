#!/usr/bin/env bash
# Installs the wattbus edge agent on a Raspberry Pi (Raspberry Pi OS / Debian, arm64 or armhf) from this
# checkout: Node.js 20 if missing, the agent under /opt/wattbus/agent, its config under /etc/wattbus,
# an unprivileged `wattbus` user in the dialout group, and the systemd service.
#
#   sudo deploy/pi/install.sh --config my-agent.yaml [--env-file agent.env] [--dry-run]
#
# --dry-run prints every step instead of running it (nothing is changed, root is not needed).
set -euo pipefail

NODE_VERSION=20.19.5
PREFIX=/opt/wattbus
ETC=/etc/wattbus
STATE=/var/lib/wattbus-agent
UNIT=/etc/systemd/system/wattbus-agent.service
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SOURCE=$(cd "$HERE/../.." && pwd)

config=""
env_file=""
dry_run=0
arch=$(uname -m)

usage() {
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
  echo
  echo "Options:"
  echo "  --config FILE     agent config (YAML) to install as $ETC/agent.yaml (required)"
  echo "  --env-file FILE   secrets for the service (e.g. WATTBUS_MQTT_PASSWORD=...) -> $ETC/agent.env"
  echo "  --arch ARCH       override the detected machine (aarch64, armv7l, x86_64)"
  echo "  --dry-run         print the steps, change nothing"
}

die() {
  echo "install.sh: $*" >&2
  exit 1
}

while [ $# -gt 0 ]; do
  case "$1" in
    --config) config=${2:-}; shift 2 ;;
    --env-file) env_file=${2:-}; shift 2 ;;
    --arch) arch=${2:-}; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done

[ -n "$config" ] || die "--config FILE is required (start from deploy/examples/agent*.yaml)"
[ -f "$config" ] || die "config file not found: $config"
[ -z "$env_file" ] || [ -f "$env_file" ] || die "env file not found: $env_file"
case "$arch" in
  aarch64 | arm64) node_arch=arm64 ;;
  armv7l | armhf) node_arch=armv7l ;;
  x86_64 | amd64) node_arch=x64 ;;
  *) die "unsupported machine $arch: Node.js 20 runs on arm64 (Pi 3/4/5, 64-bit OS) and armv7l (32-bit OS)" ;;
esac
if [ "$dry_run" -eq 0 ] && [ "$(id -u)" -ne 0 ]; then
  die "run as root (sudo), or with --dry-run to see the steps"
fi

step() { echo "==> $*"; }
run() {
  if [ "$dry_run" -eq 1 ]; then
    printf '   '
    printf ' %q' "$@"
    echo
  else
    "$@"
  fi
}

node_major() {
  if command -v node >/dev/null 2>&1; then node -p 'process.versions.node.split(".")[0]'; else echo 0; fi
}

step "Node.js ${NODE_VERSION%%.*} (linux-$node_arch)"
if [ "$(node_major)" -ge 20 ]; then
  echo "    node $(node --version) already installed"
  run ln -sf "$(command -v node)" /usr/local/bin/node
else
  tarball="node-v$NODE_VERSION-linux-$node_arch.tar.xz"
  url="https://nodejs.org/dist/v$NODE_VERSION"
  tmp=$(mktemp -d)
  run curl -fsSLo "$tmp/$tarball" "$url/$tarball"
  run curl -fsSLo "$tmp/SHASUMS256.txt" "$url/SHASUMS256.txt"
  run sh -c "cd '$tmp' && grep ' $tarball\$' SHASUMS256.txt | sha256sum -c -"
  run tar -xJf "$tmp/$tarball" -C /usr/local --strip-components=1 --no-same-owner
fi

step "User wattbus (system user, in the dialout group for serial adapters)"
if id wattbus >/dev/null 2>&1; then
  run usermod -aG dialout wattbus
else
  run useradd --system --home-dir "$STATE" --no-create-home --shell /usr/sbin/nologin --groups dialout wattbus
fi

step "Agent from $SOURCE into $PREFIX/agent"
run npx -y pnpm@10 --dir "$SOURCE" install --frozen-lockfile
run npx -y pnpm@10 --dir "$SOURCE" --filter @wattbus/edge-agent... run build
run rm -rf "$PREFIX/agent"
run npx -y pnpm@10 --dir "$SOURCE" --filter @wattbus/edge-agent deploy --prod --legacy "$PREFIX/agent"

step "Config in $ETC"
run install -d -m 0750 -o root -g wattbus "$ETC"
run install -m 0640 -o root -g wattbus "$config" "$ETC/agent.yaml"
if [ -n "$env_file" ]; then
  run install -m 0640 -o root -g wattbus "$env_file" "$ETC/agent.env"
fi
run install -d -m 0750 -o wattbus -g wattbus "$STATE"
# Checked as the service user, with the service's secrets, before the service is (re)started.
run runuser -u wattbus -- sh -c "set -a; [ -f $ETC/agent.env ] && . $ETC/agent.env; exec /usr/local/bin/node $PREFIX/agent/dist/main.js --config $ETC/agent.yaml --check-config"

step "systemd service"
run install -m 0644 "$SOURCE/deploy/systemd/wattbus-agent.service" "$UNIT"
run systemctl daemon-reload
run systemctl enable wattbus-agent.service
run systemctl restart wattbus-agent.service

step "Done"
echo "    Read every meter once:  sudo -u wattbus /usr/local/bin/node $PREFIX/agent/dist/main.js --config $ETC/agent.yaml --once"
echo "    Follow the agent:       journalctl -u wattbus-agent -f"
echo "    Watch its messages:     mosquitto_sub -h <broker> -t 'wattbus/v1/<site>/#' -v"
