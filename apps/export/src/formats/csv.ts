import type { Output } from '../output.js';
import type { ExportRow } from '../rows.js';
import type { FormatOptions, RowWriter } from './format.js';

export const CSV_HEADER = 'time,ts_ms,site,meter,channel,role,seq,quantity,value,labels\n';

/** A field with a comma, a quote or a line break is quoted (RFC 4180); a store may hold ids the contract never made. */
const field = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function csvLines(rows: readonly ExportRow[], time: (ts: number) => string): string {
  let text = '';
  for (const r of rows) {
    text += `${time(r.ts)},${r.ts},${field(r.site)},${field(r.meter)},${field(r.channel)},${field(r.role)},${r.seq ?? ''},${field(r.quantity)},${r.value},${field(r.labels)}\n`;
  }
  return text;
}

export function csvWriter(output: Output, { time }: FormatOptions): RowWriter {
  let started = false;
  return {
    async write(rows) {
      const text = csvLines(rows, time);
      await output.write(started ? text : CSV_HEADER + text);
      started = true;
    },
    async end() {
      if (!started) await output.write(CSV_HEADER);
    },
  };
}
