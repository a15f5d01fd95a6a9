import type { Output } from '../output.js';
import { READINGS } from '../rows.js';
import type { Table } from '../table.js';
import { ByteBuilder, fieldsOf, utf8 } from './fields.js';
import type { FormatOptions, RowWriter } from './format.js';
import { TextRows } from './text-rows.js';

export const csvHeader = (table: Table) => `${table.columns.map((c) => c.name).join(',')}\n`;
export const CSV_HEADER = csvHeader(READINGS);

/** A field with a comma, a quote or a line break is quoted (RFC 4180); a store may hold ids the contract never made. */
const field = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** One line per row, the table's columns in order; an absent value is an empty field. */
export function csvWriter(output: Output, { time, table }: FormatOptions): RowWriter {
  const fields = fieldsOf(
    table.columns,
    { time, text: field, json: field, nonFinite: undefined, absent: new Uint8Array() },
    table.columns.map((_, c) => utf8(c === 0 ? '' : ',')),
  );
  const rows = new TextRows(fields, utf8('\n'));
  const out = new ByteBuilder();
  out.bytes(utf8(csvHeader(table)));
  let started = false;
  return {
    async write({ length, columns }) {
      rows.write(out, columns, length);
      started = true;
      await output.write(out.take());
    },
    async end() {
      if (!started) await output.write(out.take());
    },
  };
}
