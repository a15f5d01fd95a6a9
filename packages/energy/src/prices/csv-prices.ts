import { readFileSync } from 'node:fs';
import { parseInstant } from './parse-instant.js';
import { type PriceEntry, PriceSeries } from './price-series.js';

export interface LoadedPrices {
  series: PriceSeries;
  /** Every problem, `<file>:<line>: …`; an interval with a bad line has no price, with that text as the reason. */
  issues: string[];
}

/**
 * Reads a price CSV: a header `start,price` (in any column order; more columns are ignored), one line per interval,
 * the start as ISO 8601 with an offset and the price per kWh. Bad lines do not stop the load: each becomes an issue,
 * and the interval it was for (when its start can be read) gets no price with the issue as the reason.
 * An unreadable file or a missing header throws.
 */
export function loadPriceCsv(file: string, resolutionMin: 15 | 60): LoadedPrices {
  return parsePriceCsv(readFileSync(file, 'utf8'), file, resolutionMin);
}

export function parsePriceCsv(text: string, file: string, resolutionMin: 15 | 60): LoadedPrices {
  const length = resolutionMin * 60_000;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((cell) => cell.trim().toLowerCase());
  const startCol = header.indexOf('start');
  const priceCol = header.indexOf('price');
  if (startCol < 0 || priceCol < 0) {
    throw new Error(
      `${file}:1: expected a header with columns "start" and "price", got "${(lines[0] ?? '').slice(0, 80)}"`,
    );
  }
  const entries = new Map<number, PriceEntry>();
  const issues: string[] = [];
  lines.forEach((line, i) => {
    if (i === 0 || line.trim() === '') return;
    const where = `${file}:${i + 1}`;
    const cells = line.split(',').map((cell) => cell.trim());
    const start = parseInstant(cells[startCol] ?? '');
    if (typeof start === 'string') {
      issues.push(`${where}: ${start}`);
      return;
    }
    const problem = checkStart(start, length) ?? (entries.has(start) ? 'a second price for the same start' : undefined);
    const price = Number(cells[priceCol]);
    const priceProblem =
      cells[priceCol] === undefined || cells[priceCol] === '' || !Number.isFinite(price)
        ? `price "${(cells[priceCol] ?? '').slice(0, 40)}" is not a number`
        : undefined;
    const reason = problem ?? priceProblem;
    if (reason !== undefined) {
      issues.push(`${where}: ${reason}`);
      entries.set(start, { start, end: start + length, price: null, reason: `${where}: ${reason}` });
      return;
    }
    entries.set(start, { start, end: start + length, price });
  });
  return { series: new PriceSeries(file, entries.values()), issues };
}

/** Day-ahead intervals start on the quarter hour in every zone with a whole-quarter offset. */
export function checkStart(start: number, length: number): string | undefined {
  const quarter = 900_000;
  return start % Math.min(length, quarter) === 0 ? undefined : `start is not on a ${length / 60_000}-minute boundary`;
}
