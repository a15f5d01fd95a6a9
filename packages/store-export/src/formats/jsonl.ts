import type { Output } from '../output.js';
import type { FormatOptions, RowWriter } from './format.js';

const str = JSON.stringify;

/**
 * One JSON object per row, with the CSV's columns as keys, in the same order; built by hand, the part shared by a
 * reading's values once per reading, rather than stringifying an object per row.
 */
export function jsonlWriter(output: Output, { time }: FormatOptions): RowWriter {
  return {
    async write(points) {
      let text = '';
      for (const p of points) {
        const head =
          `{"time":"${time(p.ts)}","ts_ms":${p.ts},"site":${str(p.site)},"meter":${str(p.meter)},` +
          `"channel":${str(p.channel)},"role":${str(p.role)},"seq":${p.seq ?? 'null'},"quantity":`;
        const tail = `,"labels":${str(p.labels)}}\n`;
        const { quantities, values } = p;
        for (let i = 0; i < values.length; i++) {
          const value = values[i] as number;
          text += `${head}${str(quantities[i])},"value":${Number.isFinite(value) ? value : 'null'}${tail}`;
        }
      }
      await output.write(text);
    },
    async end() {},
  };
}
