import type { Output } from '../output.js';
import type { FormatOptions, RowWriter } from './format.js';

const str = JSON.stringify;

/** One JSON object per row, with the CSV's columns as keys; built by hand rather than stringifying an object per row. */
export function jsonlWriter(output: Output, { time }: FormatOptions): RowWriter {
  return {
    async write(rows) {
      let text = '';
      for (const r of rows) {
        text +=
          `{"time":"${time(r.ts)}","ts_ms":${r.ts},"site":${str(r.site)},"meter":${str(r.meter)},"channel":${str(r.channel)},` +
          `"role":${str(r.role)},"seq":${r.seq ?? 'null'},"quantity":${str(r.quantity)},"value":${Number.isFinite(r.value) ? r.value : 'null'},"labels":${str(r.labels)}}\n`;
      }
      await output.write(text);
    },
    async end() {},
  };
}
