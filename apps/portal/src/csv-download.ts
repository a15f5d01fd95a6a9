import type { ServerResponse } from 'node:http';
import {
  CSV_HEADER,
  EXIT,
  ExportError,
  type InfluxQueryConfig,
  InfluxV1Reader,
  parseInstant,
  runExport,
} from '@wattbus/store-export';
import type { Logger } from 'pino';
import { HttpError } from './http-util.js';

/** The longest range one download may cover: a year of a household's readings streams in minutes. */
export const MAX_DOWNLOAD_DAYS = 366;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** `from` and `to` (both included) as local days of `timeZone`: [start of from, start of the day after to). */
export function downloadRange(
  from: string | null,
  to: string | null,
  timeZone: string,
): { from: number; to: number; name: string } {
  const day = (name: string, text: string | null) => {
    const ts = text !== null && DATE.test(text) ? parseInstant(text, timeZone) : undefined;
    if (ts === undefined) throw new HttpError(400, `${name}: expected a date YYYY-MM-DD`);
    return ts;
  };
  const start = day('from', from);
  const lastDay = day('to', to);
  if (lastDay < start) throw new HttpError(400, 'to: the range ends before it starts');
  const [y, m, d] = (to as string).split('-').map(Number) as [number, number, number];
  const end = parseInstant(new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10), timeZone) as number;
  if (end - start > MAX_DOWNLOAD_DAYS * DAY_MS + 3_600_000) {
    throw new HttpError(400, `the range is longer than ${MAX_DOWNLOAD_DAYS} days`);
  }
  return { from: start, to: end, name: from === to ? (from as string) : `${from}_${to}` };
}

/**
 * Streams one site's readings over the range as the export's CSV (its columns, times in the portal's zone),
 * read from InfluxDB window by window as the browser takes them. The caller has checked the user's right to
 * the site. A site or range without readings gives the header alone; a store that fails before the first row
 * answers 502, after it the download is cut (the browser reports it failed, never a silently short file).
 */
export async function streamCsv(
  res: ServerResponse,
  site: string,
  range: { from: number; to: number; name: string },
  influx: InfluxQueryConfig,
  timeZone: string,
  log: Logger,
): Promise<void> {
  res.setHeader('content-type', 'text/csv; charset=utf-8');
  res.setHeader('content-disposition', `attachment; filename="${site}_${range.name}.csv"`);
  res.setHeader('cache-control', 'no-store');
  const abort = new AbortController();
  res.once('close', () => abort.abort());
  try {
    const summary = await runExport({
      reader: new InfluxV1Reader(influx),
      selection: { sites: [site], meters: [], channels: [], quantities: [], from: range.from, to: range.to },
      format: 'csv',
      compression: 'none',
      path: undefined,
      stdout: res,
      timeZone,
      signal: abort.signal,
      emptyIsError: false,
    });
    res.end();
    log.info({ site, rows: summary.rows, bytes: summary.bytes }, 'csv download');
  } catch (err) {
    if (err instanceof ExportError && err.exitCode === EXIT.nothing && !res.headersSent) {
      res.end(CSV_HEADER);
      return;
    }
    if (abort.signal.aborted) return;
    log.error({ site, err: (err as Error).message }, 'csv download failed');
    if (res.headersSent) res.destroy();
    else throw new HttpError(502, 'the download is unavailable right now');
  }
}
