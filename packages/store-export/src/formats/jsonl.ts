import type { Output } from '../output.js';
import { ByteBuilder, fieldsOf, utf8 } from './fields.js';
import type { FormatOptions, RowWriter } from './format.js';

/**
 * One JSON object per row, with the CSV's columns as keys, in the same order; an absent value (or a number that
 * is not finite) is null, a `json` column is its JSON value. Written byte by byte from the columns, each distinct
 * string stringified once.
 */
export function jsonlWriter(output: Output, { time, table }: FormatOptions): RowWriter {
  const keys = table.columns.map((c, i) => utf8(`${i === 0 ? '{' : ','}${JSON.stringify(c.name)}:`));
  const fields = fieldsOf(table.columns, {
    time: (ts) => `"${time(ts)}"`,
    text: JSON.stringify,
    json: (s) => s,
    nonFinite: () => 'null',
    absent: utf8('null'),
  });
  const out = new ByteBuilder();
  return {
    async write({ length, columns }) {
      fields.forEach((f, c) => {
        f.data = columns[c] as never;
      });
      for (let row = 0; row < length; row++) {
        for (let c = 0; c < fields.length; c++) {
          out.bytes(keys[c] as Uint8Array);
          (fields[c] as (typeof fields)[number]).put(out, row);
        }
        out.byte(125); // }
        out.byte(10); // \n
      }
      await output.write(out.take());
    },
    async end() {},
  };
}
