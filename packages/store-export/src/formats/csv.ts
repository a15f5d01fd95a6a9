import type { Output } from '../output.js';
import type { ExportPoint } from '../rows.js';
import type { FormatOptions, RowWriter } from './format.js';

export const CSV_HEADER = 'time,ts_ms,site,meter,channel,role,seq,quantity,value,labels\n';

/** A field with a comma, a quote or a line break is quoted (RFC 4180); a store may hold ids the contract never made. */
const field = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function csvLines(points: readonly ExportPoint[], time: (ts: number) => string): string {
  let text = '';
  for (const p of points) {
    const head = `${time(p.ts)},${p.ts},${field(p.site)},${field(p.meter)},${field(p.channel)},${field(p.role)},${p.seq ?? ''},`;
    const tail = `,${field(p.labels)}\n`;
    const { quantities, values } = p;
    for (let i = 0; i < values.length; i++) text += `${head}${field(quantities[i] as string)},${values[i]}${tail}`;
  }
  return text;
}

export function csvWriter(output: Output, { time }: FormatOptions): RowWriter {
  let started = false;
  return {
    async write(points) {
      const text = csvLines(points, time);
      await output.write(started ? text : CSV_HEADER + text);
      started = true;
    },
    async end() {
      if (!started) await output.write(CSV_HEADER);
    },
  };
}
