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

/**
 * Parquet through hyparquet-writer (pure JavaScript, one dependency): the table's columns typed (Parquet omits
 * those its types make redundant), row groups of ROW_GROUP_ROWS, Snappy-compressed pages with dictionary
 * encoding, statistics per column chunk.
 */
export function parquetWriter(output: Output, { timeZone, table, resolution }: FormatOptions): RowWriter {
  const specs = table.columns.filter((c) => c.parquet);
  const indexes = specs.map((c) => table.columns.indexOf(c));
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
  // the columns of the row group being filled
  let cells: Cell[][] = specs.map(() => []);
  let rows = 0;
  const flushGroup = async () => {
    if (rows === 0) return;
    const data = cells;
    const size = rows;
    cells = specs.map(() => []);
    rows = 0;
    await parquet.write({
      rowGroupSize: size,
      columnData: specs.map((c, i) => ({ name: c.name, data: data[i] as Cell[] })),
    });
  };
  const append = (spec: ColumnSpec, source: unknown, to: Cell[], from: number, until: number) => {
    if (spec.kind === 'float') {
      const a = source as Float64Array;
      for (let r = from; r < until; r++) {
        const v = a[r] as number;
        to.push(Number.isNaN(v) ? null : v);
      }
    } else if (spec.kind === 'time' || spec.kind === 'int') {
      const a = source as Float64Array;
      // a reading's values share its time and seq: one BigInt for the run
      let last = Number.NaN;
      let big: bigint | null = null;
      for (let r = from; r < until; r++) {
        const v = a[r] as number;
        if (v !== last) {
          last = v;
          big = Number.isNaN(v) ? null : BigInt(v);
        }
        to.push(big);
      }
    } else {
      const a = source as ReadonlyArray<string | null>;
      for (let r = from; r < until; r++) to.push(a[r] ?? null);
    }
  };
  return {
    async write({ length, columns }) {
      for (let from = 0; from < length; ) {
        const until = Math.min(length, from + ROW_GROUP_ROWS - rows);
        specs.forEach((spec, i) => {
          append(spec, columns[indexes[i] as number], cells[i] as Cell[], from, until);
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
