#!/bin/bash
# Run once by the influxdb:2 image after its setup (mounted into /docker-entrypoint-initdb.d), with the influx
# CLI already pointed at the server with the operator token. Makes the bucket usable through the
# v1-compatible API the sink worker writes with and Grafana's InfluxQL queries with:
#   - a DBRP mapping: database $WATTBUS_INFLUX_DB, retention policy "autogen" -> the setup bucket;
#   - v1 users: "wattbus-sink" may only write the bucket, "grafana" may only read it.
# A restore (influx restore --full) brings these back with the data: they are not re-created.
set -euo pipefail

: "${DOCKER_INFLUXDB_INIT_ORG:?}" "${DOCKER_INFLUXDB_INIT_BUCKET:?}"
: "${WATTBUS_INFLUX_DB:?}" "${WATTBUS_INFLUX_SINK_PASSWORD:?}" "${WATTBUS_INFLUX_GRAFANA_PASSWORD:?}"
org=$DOCKER_INFLUXDB_INIT_ORG

# The image exports the new bucket's id; look it up if an older image does not.
bucket_id=${DOCKER_INFLUXDB_INIT_BUCKET_ID:-}
if [ -z "$bucket_id" ]; then
  bucket_id=$(influx bucket list --org "$org" --name "$DOCKER_INFLUXDB_INIT_BUCKET" --hide-headers | cut -f1)
fi
[ -n "$bucket_id" ] || { echo "init-wattbus: bucket $DOCKER_INFLUXDB_INIT_BUCKET not found" >&2; exit 1; }

influx v1 dbrp create --org "$org" --bucket-id "$bucket_id" --db "$WATTBUS_INFLUX_DB" --rp autogen --default
influx v1 auth create --org "$org" --username wattbus-sink --password "$WATTBUS_INFLUX_SINK_PASSWORD" \
  --write-bucket "$bucket_id" --description "wattbus sink-worker (write only)"
influx v1 auth create --org "$org" --username grafana --password "$WATTBUS_INFLUX_GRAFANA_PASSWORD" \
  --read-bucket "$bucket_id" --description "Grafana (read only)"
echo "init-wattbus: database $WATTBUS_INFLUX_DB -> bucket $DOCKER_INFLUXDB_INIT_BUCKET ($bucket_id), v1 users wattbus-sink, grafana"
