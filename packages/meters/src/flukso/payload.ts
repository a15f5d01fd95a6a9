/** A Fluksometer message that cannot be used. */
export class FluksoMessageError extends Error {
  override name = 'FluksoMessageError';
}

export type FluksoKind = 'gauge' | 'counter';

/** Units of electricity sensors: power in gauges, energy in counters. */
export const UNITS: Record<FluksoKind, string> = { gauge: 'W', counter: 'Wh' };

export interface FluksoValue {
  /** Time of measurement, s since epoch (the Fluksometer's clock). */
  ts: number;
  value: number;
}

/** A message as shown in errors: its first 80 characters. */
export const shorten = (text: string) => (text.length > 80 ? `${text.slice(0, 80)}…` : text);

const TOPIC = /^\/sensor\/([0-9a-f]{32})\/(gauge|counter)$/;

/** `/sensor/<id>/gauge` → { sensor, kind }; undefined for other topics. */
export function parseTopic(topic: string): { sensor: string; kind: FluksoKind } | undefined {
  const match = TOPIC.exec(topic);
  return match ? { sensor: match[1] as string, kind: match[2] as FluksoKind } : undefined;
}

export const topicsFor = (sensor: string): string[] => [`/sensor/${sensor}/gauge`, `/sensor/${sensor}/counter`];

/** `[1718967600, 1234, "W"]` (gauge) or `[1718967600, 4521987, "Wh"]` (counter). */
export function parsePayload(kind: FluksoKind, payload: Buffer | string): FluksoValue {
  const text = payload.toString();
  const shown = shorten(text);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new FluksoMessageError(`${kind} payload is not JSON: ${shown}`);
  }
  if (!Array.isArray(data) || data.length !== 3) {
    throw new FluksoMessageError(`${kind} payload is not [time, value, unit]: ${shown}`);
  }
  const [ts, value, unit] = data as [unknown, unknown, unknown];
  if (typeof ts !== 'number' || !Number.isSafeInteger(ts) || ts <= 0) {
    throw new FluksoMessageError(`${kind} time is not a Unix time in seconds: ${shown}`);
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new FluksoMessageError(`${kind} value is not a number: ${shown}`);
  }
  if (unit !== UNITS[kind]) {
    throw new FluksoMessageError(
      `${kind} unit is ${JSON.stringify(unit)}, not ${UNITS[kind]}: only electricity sensors are supported`,
    );
  }
  return { ts, value };
}
