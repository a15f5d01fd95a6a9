import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { Output } from '../output.js';
import type { ColumnSpec } from '../table.js';
import type { FormatOptions, RowWriter } from './format.js';

/** Rows per row group: large enough for good compression and scans, small enough to bound memory (≈ 10 MB). */
export const ROW_GROUP_ROWS = 100_000;

/**
 * The Parquet type of each kind. `time` is an instant (INT64 milliseconds, adjusted to UTC): Parquet readers show
 * it in their own session zone, so the chosen time zone is written into the file's key-value metadata instead.
 */
function schemaElement({ name, kind, nullable }: ColumnSpec) {
  const repetition_type = nullable ? 'OPTIONAL' : 'REQUIRED';
  switch (kind) {
    case 'time':
      return {
        name,
        type: 'INT64',
        repetition_type,
        converted_type: 'TIMESTAMP_MILLIS',
        logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' },
      };
    case 'int':
      return { name, type: 'INT64', repetition_type };
    case 'float':
      return { name, type: 'DOUBLE', repetition_type };
    case 'text':
    case 'json':
      return { name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type };
  }
}

/** A ByteWriter that hands each finished row group to the output, so only one row group is ever held. */
class StreamingByteWriter extends ByteWriter {
  constructor(private readonly output: Output) {
    super(1 << 20);
  }
  async flush(): Promise<void> {
    const bytes = new Uint8Array(this.buffer.slice(0, this.index));
    this.index = 0;
    await this.output.write(bytes);
  }
  override async finish(): Promise<void> {
    await this.flush();
  }
}

type Cell = bigint | number | string | null;

/** One column of the row group being filled: numbers in a typed array (NaN: none), strings in an array. */
type Gathered = Float64Array | Array<string | null>;

/**
 * A number column as hyparquet-writer takes it: a float column without NaN as its typed array, no copy; a time or
 * INT64 column as bigints, one per run of equal values (the rows of an instant share its time, a reading's values
 * its seq): the writer would otherwise make a bigint of every row's time, which cost it twice as much; NaN as null.
 */
function numberColumn(kind: ColumnSpec['kind'], data: Float64Array): Float64Array | Cell[] {
  const integer = kind === 'int' || kind === 'time';
  if (!integer && !data.some(Number.isNaN)) return data;
  const cells: Cell[] = new Array(data.length);
  let last = Number.NaN;
  let big: bigint | null = null;
  for (let r = 0; r < data.length; r++) {
    const v = data[r] as number;
    if (Number.isNaN(v)) cells[r] = null;
    else if (!integer) cells[r] = v;
    else {
      if (v !== last) {
        last = v;
        big = BigInt(v);
      }
      cells[r] = big;
    }
  }
  return cells;
}

/**
 * Parquet through hyparquet-writer (pure JavaScript, one dependency): the table's columns typed (Parquet omits
 * those its types make redundant), row groups of ROW_GROUP_ROWS, Snappy-compressed pages with dictionary
 * encoding. Statistics (min/max per column chunk) for the time and number columns, which readers use to skip row
 * groups; not for text columns: rows come in time order across every selected site, so a row group's minimum
 * and maximum site span the selection and would let no reader skip it (and comparing every string cost a fifth
 * of the writer's time).
 */
export function parquetWriter(output: Output, { timeZone, table, resolution }: FormatOptions): RowWriter {
  const specs = table.columns.filter((c) => c.parquet);
  const indexes = specs.map((c) => table.columns.indexOf(c));
  const isText = (spec: ColumnSpec) => spec.kind === 'text' || spec.kind === 'json';
  const writer = new StreamingByteWriter(output);
  const parquet = new ParquetWriter({
    writer,
    // biome-ignore lint/suspicious/noExplicitAny: hyparquet's SchemaElement type is not exported for TypeScript users
    schema: [{ name: 'root', num_children: specs.length }, ...specs.map(schemaElement)] as any,
    codec: 'SNAPPY',
    kvMetadata: [
      { key: 'wattbus.timezone', value: timeZone },
      { key: 'wattbus.resolution', value: resolution },
    ],
    createdBy: 'wattbus-export',
  });
  // a row group's strings are set by index into an array made at its full size: pushing them one by one cost a tenth
  // of the writer's time
  const gathered = (): Gathered[] =>
    specs.map((spec) => (isText(spec) ? new Array<string | null>(ROW_GROUP_ROWS) : new Float64Array(ROW_GROUP_ROWS)));
  // the columns of the row group being filled
  let group = gathered();
  let rows = 0;
  const flushGroup = async () => {
    if (rows === 0) return;
    const data = group;
    const size = rows;
    group = gathered();
    rows = 0;
    await parquet.write({
      rowGroupSize: size,
      columnData: specs.map((spec, i) => {
        const column = data[i] as Gathered;
        return {
          name: spec.name,
          data:
            column instanceof Float64Array
              ? numberColumn(spec.kind, column.subarray(0, size))
              : size === ROW_GROUP_ROWS
                ? column
                : column.slice(0, size),
          statistics: !isText(spec),
        };
      }),
    });
  };
  const append = (source: unknown, to: Gathered, from: number, until: number) => {
    if (to instanceof Float64Array) to.set((source as Float64Array).subarray(from, until), rows);
    else {
      const a = source as ReadonlyArray<string | null>;
      for (let r = from, at = rows; r < until; r++, at++) to[at] = a[r] ?? null;
    }
  };
  return {
    async write({ length, columns }) {
      for (let from = 0; from < length; ) {
        const until = Math.min(length, from + ROW_GROUP_ROWS - rows);
        group.forEach((to, i) => {
          append(columns[indexes[i] as number], to, from, until);
        });
        rows += until - from;
        from = until;
        if (rows >= ROW_GROUP_ROWS) await flushGroup();
      }
    },
    async end() {
      await flushGroup();
      await parquet.finish();
    },
  };
}
