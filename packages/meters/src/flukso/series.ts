import { FluksoMessageError, shorten } from './payload.js';

/** One second of a sensor's series from the local HTTP API. */
export interface FluksoSecond {
  /** s since epoch (the Fluksometer's clock). */
  ts: number;
  /** W; undefined for a second without data ("nan"). */
  value: number | undefined;
}

/** The query of the local API's minute series in W, the only one a Fluksometer serves locally. */
export const SERIES_QUERY = 'version=1.0&interval=minute&unit=watt';

const describe = (x: unknown) => shorten(JSON.stringify(x) ?? String(x));

/**
 * The answer of `GET /sensor/<id>?version=1.0&interval=minute&unit=watt`: `[[1303914780, 235], [1303914781, "nan"], …]`,
 * one pair per second, oldest first. Throws a FluksoMessageError naming what is wrong.
 */
export function parseSeries(body: string): FluksoSecond[] {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    throw new FluksoMessageError(`answer is not JSON: ${shorten(body)}`);
  }
  if (!Array.isArray(data)) throw new FluksoMessageError(`answer is not an array of [time, W] pairs: ${shorten(body)}`);
  const seconds: FluksoSecond[] = [];
  for (const [i, pair] of data.entries()) {
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw new FluksoMessageError(`element ${i} is not a [time, W] pair: ${describe(pair)}`);
    }
    const [ts, value] = pair as [unknown, unknown];
    if (typeof ts !== 'number' || !Number.isSafeInteger(ts) || ts <= 0) {
      throw new FluksoMessageError(`element ${i}: time ${describe(ts)} is not a Unix time in seconds`);
    }
    const previous = seconds.at(-1);
    if (previous && ts <= previous.ts) {
      throw new FluksoMessageError(`element ${i}: time ${ts} does not follow ${previous.ts} (oldest first)`);
    }
    if (typeof value === 'number' && Number.isFinite(value)) seconds.push({ ts, value });
    else if (typeof value === 'string' && value.toLowerCase() === 'nan') seconds.push({ ts, value: undefined });
    else throw new FluksoMessageError(`element ${i}: value ${describe(value)} is neither a number nor "nan"`);
  }
  return seconds;
}
