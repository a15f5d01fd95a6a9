/** Contract messages for the unit tests, as they arrive over MQTT: [topic, payload]. */
import type { Alert, Info, Reading, Status } from '@wattbus/contract';

export type Message = [topic: string, payload: Buffer];

const buf = (data: unknown) => Buffer.from(JSON.stringify(data));

export function reading(site: string, role: Reading['role'], power_w: number, ts: number, seq = 1): Message {
  const r: Reading = { v: 1, site, meter: 'main', channel: role, role, seq, ts, values: { power_w } };
  return [`wattbus/v1/${site}/main/reading`, buf(r)];
}

export function status(site: string, state: Status['state'], ts: number): Message {
  const s: Status = { v: 1, state, ts, agent: '0.1.0' };
  return [`wattbus/v1/${site}/status`, buf(s)];
}

export function info(site: string, name: string, city: string, withPv: boolean, ts: number): Message {
  const channels: Info['meters'][number]['channels'] = [
    { id: 'consumption', role: 'consumption' },
    ...(withPv ? [{ id: 'production', role: 'production' as const }] : []),
    { id: 'grid', role: 'grid' },
  ];
  const i: Info = {
    v: 1,
    site,
    ts,
    name,
    tags: { city },
    meters: [{ id: 'main', driver: 'simulated', interval_ms: 1000, channels }],
  };
  return [`wattbus/v1/${site}/info`, buf(i)];
}

export function alert(site: string, state: Alert['state'], subjects: string[], ts: number): Message {
  const a: Alert = {
    v: 1,
    site,
    rule: 'missing-data',
    ts,
    state,
    severity: 'warning',
    message: state === 'raised' ? `${subjects.length} channels silent` : 'all clear',
    open: subjects.map((subject) => ({ subject, since: ts - 3000, message: 'no reading for over 3 × 1 s' })),
  };
  return [`wattbus/v1/alerts/${site}/missing-data`, buf(a)];
}

export const deadLetter = (consumer: string): Message => [
  `wattbus/v1/dlq/${consumer}`,
  buf({ reason: 'not JSON', topic: 'wattbus/v1/x/main/reading', payload: '{', ts: 1 }),
];
