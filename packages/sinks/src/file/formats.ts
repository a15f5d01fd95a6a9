import type { Reading } from '@wattbus/contract';

/** How readings become text in a daily file. */
export interface FileFormat {
  extension: string;
  /** First line of a new file, if the format has one. */
  header?: string;
  /** The lines for one reading, without newlines. */
  lines(reading: Reading): string[];
}

const csvField = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export const FORMATS = {
  /** One Reading (contract JSON) per line. */
  jsonl: { extension: 'jsonl', lines: (r) => [JSON.stringify(r)] },
  /**
   * Long ("tidy") CSV for analysis tools: one row per value, so the columns are the same whatever the meter
   * reports. Labels are one `key=value;…` column.
   */
  csv: {
    extension: 'csv',
    header: 'time,ts_ms,site,meter,channel,role,seq,quantity,value,labels',
    lines: (r) => {
      const time = new Date(r.ts).toISOString();
      const labels = csvField(
        Object.entries(r.labels ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(';'),
      );
      return Object.entries(r.values).map(
        ([quantity, value]) =>
          `${time},${r.ts},${r.site},${r.meter},${r.channel},${r.role},${r.seq},${quantity},${value},${labels}`,
      );
    },
  },
} as const satisfies Record<string, FileFormat>;

export type FormatName = keyof typeof FORMATS;
