import type { Output } from '../output.js';
import { ByteBuilder, fieldsOf, utf8 } from './fields.js';
import type { FormatOptions, RowWriter } from './format.js';
import { TextRows } from './text-rows.js';

/**
 * One JSON object per row, with the CSV's columns as keys, in the same order; an absent value (or a number that
 * is not finite) is null, a `json` column is its JSON value. Written byte by byte from the columns, each distinct
 * string stringified once, the fields a row shares with the row before copied (TextRows).
 */
export function jsonlWriter(output: Output, { time, table }: FormatOptions): RowWriter {
  const keys = table.columns.map((c, i) => utf8(`${i === 0 ? '{' : ','}${JSON.stringify(c.name)}:`));
  const fields = fieldsOf(
    table.columns,
    {
      time: (ts) => `"${time(ts)}"`,
      text: JSON.stringify,
      json: (s) => s,
      nonFinite: () => 'null',
      absent: utf8('null'),
    },
    keys,
  );
  const rows = new TextRows(fields, utf8('}\n'));
  const out = new ByteBuilder();
  return {
    async write({ length, columns }) {
      rows.write(out, columns, length);
      await output.write(out.take());
    },
    async end() {},
  };
}
