#!/bin/bash
# InfluxDB backups: one backup every BACKUP_INTERVAL_S seconds into BACKUP_DIR/<UTC time>, keeping the
# newest BACKUP_KEEP.
#   INFLUX_MAJOR=2 (default): `influx backup`, as the influx-backup service of deploy/compose.yaml runs it (an
#     influxdb:2 image, for its CLI); INFLUX_HOST and INFLUX_TOKEN (an operator token) come from the environment.
#   INFLUX_MAJOR=1: `influxd backup -portable` against INFLUX_BACKUP_HOST (the RPC bind-address, default
#     127.0.0.1:8088), as deploy/systemd/wattbus-influx-backup.timer runs it next to an InfluxDB 1.x server.
#
#   influx-backup.sh           back up now, then every interval (until SIGTERM)
#   influx-backup.sh --once    back up once and prune
#   influx-backup.sh --check   exit 0 if the newest backup is younger than two intervals (healthcheck)
#   influx-backup.sh --list-bucket                              backups in the bucket, oldest first
#   influx-backup.sh --restore-from-bucket NAME|latest [ARGS]   fetch one from the bucket into
#     BACKUP_DIR/from-bucket/NAME (verified, decrypted), then restore it: `influxd restore -portable -host
#     INFLUX_BACKUP_HOST ARGS DIR` (1.x) or `influx restore ARGS DIR` (2.x, e.g. ARGS = --full)
#
# Off-site: with OFFSITE_S3_BUCKET set, each backup is also uploaded to S3-compatible object storage by
# wattbus-offsite-backup (packages/offsite-backup; settings OFFSITE_*, see docs/backups.md), which keeps the
# newest OFFSITE_KEEP there. A failed upload keeps the local backup and fails the run; --check then also wants
# an upload younger than two intervals.
#
# A backup is written to a hidden ".partial-*" directory and renamed when complete, so a failed or
# interrupted run never counts as one of the kept backups; pruning happens only after a success, so failures
# never delete a good backup.
set -euo pipefail

dir=${BACKUP_DIR:-/backups}
keep=${BACKUP_KEEP:-10}
interval=${BACKUP_INTERVAL_S:-3600}
major=${INFLUX_MAJOR:-2}

die() {
  echo "influx-backup: $*" >&2
  exit 2
}
[[ $keep =~ ^[1-9][0-9]*$ ]] || die "BACKUP_KEEP must be a positive integer (got '$keep')"
[[ $interval =~ ^[1-9][0-9]*$ ]] || die "BACKUP_INTERVAL_S must be a positive integer (got '$interval')"
[[ $major =~ ^[12]$ ]] || die "INFLUX_MAJOR must be 1 or 2 (got '$major')"
offsite=${OFFSITE_S3_BUCKET:+yes}

# Off-site settings are checked before any backup is made: a typo fails at start, naming the key.
check_offsite() {
  [ -n "$offsite" ] || die "off-site backups are off (OFFSITE_S3_BUCKET is not set)"
  wattbus-offsite-backup check-config || die "invalid off-site settings (see above)"
}

run_backup() {
  if [ "$major" = 1 ]; then
    influxd backup -portable -host "${INFLUX_BACKUP_HOST:-127.0.0.1:8088}" "$1"
  else
    influx backup "$1"
  fi
}

# Complete backups, oldest first (the names are UTC times, so they sort by name).
list_backups() {
  find "$dir" -mindepth 1 -maxdepth 1 -type d -name '[0-9]*Z' -printf '%f\n' | LC_ALL=C sort
}

prune() {
  local -a all
  mapfile -t all < <(list_backups)
  local excess=$((${#all[@]} - keep)) i
  for ((i = 0; i < excess; i++)); do
    rm -rf -- "${dir:?}/${all[$i]}"
    echo "influx-backup: removed ${all[$i]}"
  done
}

backup_once() {
  local name partial
  name=$(date -u +%Y-%m-%dT%H-%M-%SZ)
  partial="$dir/.partial-$name"
  [ ! -e "$dir/$name" ] || { echo "influx-backup: $dir/$name exists" >&2; return 1; }
  mkdir -p "$dir"
  rm -rf -- "$dir"/.partial-*
  if ! run_backup "$partial"; then
    rm -rf -- "$partial"
    echo "influx-backup: backup failed; nothing pruned" >&2
    return 1
  fi
  mv -- "$partial" "$dir/$name"
  echo "influx-backup: wrote $dir/$name"
  prune
  [ -n "$offsite" ] || return 0
  # In the background, so that a SIGTERM to this script (docker compose stop) reaches the uploader, which then
  # aborts its multipart upload on the server instead of leaving its parts there.
  local status=0
  wattbus-offsite-backup upload "$dir/$name" &
  uploader=$!
  wait "$uploader" || status=$?
  uploader=
  if [ "$status" != 0 ]; then
    echo "influx-backup: off-site upload of $name failed; the local backup is kept" >&2
    return 1
  fi
  touch "$dir/.offsite-uploaded"
  echo "influx-backup: uploaded $name off site"
}

restore_from_bucket() {
  local name=${1:?"--restore-from-bucket needs a backup name or 'latest'"} fetched
  shift
  local -a which=()
  [ "$name" = latest ] || which=(--name "$name")
  fetched=$(wattbus-offsite-backup fetch "${which[@]}" --into "$dir/from-bucket") || return 1
  if [ "$major" = 1 ]; then
    influxd restore -portable -host "${INFLUX_BACKUP_HOST:-127.0.0.1:8088}" "$@" "$fetched"
  else
    influx restore "$@" "$fetched"
  fi
  rm -rf -- "$fetched"
  echo "influx-backup: restored $(basename "$fetched") from the bucket"
}

check() {
  local newest age
  newest=$(list_backups | tail -n 1)
  [ -n "$newest" ] || { echo "influx-backup: no backup yet" >&2; return 1; }
  age=$(($(date +%s) - $(stat -c %Y "$dir/$newest")))
  [ "$age" -le $((2 * interval)) ] || { echo "influx-backup: newest backup $newest is ${age}s old" >&2; return 1; }
  echo "influx-backup: newest $newest (${age}s old)"
  [ -n "$offsite" ] || return 0
  [ -e "$dir/.offsite-uploaded" ] || { echo "influx-backup: nothing uploaded off site yet" >&2; return 1; }
  age=$(($(date +%s) - $(stat -c %Y "$dir/.offsite-uploaded")))
  [ "$age" -le $((2 * interval)) ] || { echo "influx-backup: last off-site upload ${age}s ago" >&2; return 1; }
}

case "${1:-}" in
  --once)
    [ -z "$offsite" ] || check_offsite
    backup_once
    ;;
  --check) check ;;
  --list-bucket)
    check_offsite
    wattbus-offsite-backup list
    ;;
  --restore-from-bucket)
    check_offsite
    shift
    restore_from_bucket "$@"
    ;;
  "")
    [ -z "$offsite" ] || check_offsite
    trap '[ -z "${uploader:-}" ] || { kill -TERM "$uploader" 2>/dev/null; wait "$uploader" || true; }; exit 0' TERM INT
    while true; do
      backup_once || true # logged; the next run tries again, the healthcheck reports a stale backup
      sleep "$interval" &
      wait $!
    done
    ;;
  *) die "unknown argument '$1' (use --once, --check, --list-bucket, --restore-from-bucket or nothing)" ;;
esac
