// Runs only when WATTBUS_TEST_INFLUX2=<url> points at an InfluxDB 2.x server (see vitest.config.ts), with
// WATTBUS_TEST_INFLUX2_ORG, WATTBUS_TEST_INFLUX2_BUCKET and WATTBUS_TEST_INFLUX2_TOKEN (an all-access token:
// the test deletes what it wrote).

import { InfluxDB } from '@influxdata/influxdb-client';
import type { Reading } from '@wattbus/contract';
import { InfluxV2Sink } from '../../src/influx2/influx2-sink.js';
import { sinkSuite } from '../sink-suite.js';

const url = process.env.WATTBUS_TEST_INFLUX2 as string;
const org = process.env.WATTBUS_TEST_INFLUX2_ORG ?? 'wattbus';
const bucket = process.env.WATTBUS_TEST_INFLUX2_BUCKET ?? 'wattbus-test';
const token = process.env.WATTBUS_TEST_INFLUX2_TOKEN ?? '';

async function deleteAll(): Promise<void> {
  // The delete predicate has no OR: one call per measurement.
  for (const measurement of ['reading', 'rollup']) await deleteMeasurement(measurement);
}

async function deleteMeasurement(measurement: string): Promise<void> {
  const res = await fetch(`${url}/api/v2/delete?org=${encodeURIComponent(org)}&bucket=${encodeURIComponent(bucket)}`, {
    method: 'POST',
    headers: { authorization: `Token ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      start: '1970-01-01T00:00:00Z',
      stop: '2100-01-01T00:00:00Z',
      predicate: `_measurement="${measurement}"`,
    }),
  });
  if (!res.ok) throw new Error(`delete failed: HTTP ${res.status} ${await res.text()}`);
}

sinkSuite('influx2 (live server)', async () => {
  await deleteAll();
  const query = new InfluxDB({ url, token }).getQueryApi(org);
  return {
    sink: new InfluxV2Sink({ url, org, bucket, token, timeout_ms: 10_000, site_tags: [] }),
    idempotent: true,
    readRollups: async () => {
      const flux = `from(bucket: "${bucket}") |> range(start: 0) |> filter(fn: (r) => r._measurement == "rollup")
        |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")`;
      const rows = await query.collectRows<Record<string, string | number | undefined>>(flux);
      return rows.map((row) => ({
        key: `${row.site}/${row.meter}/${row.channel}/${row.interval}/${Date.parse(row._time as string)}`,
        revision: row.revision as number,
        energy_import_wh: (row.energy_import_wh ?? null) as number | null,
        coverage: row.coverage as number,
      }));
    },
    readBack: async () => {
      const flux = `from(bucket: "${bucket}") |> range(start: 0) |> filter(fn: (r) => r._measurement == "reading")
        |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")`;
      const rows = await query.collectRows<Record<string, unknown>>(flux);
      return rows.map((row) => {
        const values: Record<string, number> = {};
        for (const [k, v] of Object.entries(row)) {
          if (
            !k.startsWith('_') &&
            !['result', 'table', 'site', 'meter', 'channel', 'role', 'seq', 'tariff'].includes(k) &&
            typeof v === 'number'
          )
            values[k] = v;
        }
        const r: Reading = {
          v: 1,
          site: row.site as string,
          meter: row.meter as string,
          channel: row.channel as string,
          role: row.role as Reading['role'],
          seq: Number(row.seq),
          ts: Date.parse(row._time as string),
          values,
        };
        if (row.tariff) r.labels = { tariff: row.tariff as string };
        return r;
      });
    },
    cleanup: deleteAll,
  };
});
