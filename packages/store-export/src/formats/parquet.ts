import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { Output } from '../output.js';
import type { FormatOptions, RowWriter } from './format.js';

/** Rows per row group: large enough for good compression and scans, small enough to bound memory (≈ 10 MB). */
export const ROW_GROUP_ROWS = 100_000;

const STRING = { type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' } as const;
/**
 * Typed columns. `time` is an instant (INT64 milliseconds, adjusted to UTC): Parquet readers show it in their
 * own session zone, so the chosen time zone is written into the file's key-value metadata instead.
 */
const SCHEMA = [
  { name: 'root', num_children: 9 },
  {
    name: 'time',
    type: 'INT64',
    repetition_type: 'REQUIRED',
    converted_type: 'TIMESTAMP_MILLIS',
    logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' },
  },
  { name: 'site', ...STRING },
  { name: 'meter', ...STRING },
  { name: 'channel', ...STRING },
  { name: 'role', ...STRING },
  { name: 'seq', type: 'INT64', repetition_type: 'OPTIONAL' },
  { name: 'quantity', ...STRING },
  { name: 'value', type: 'DOUBLE', repetition_type: 'REQUIRED' },
  { name: 'labels', ...STRING },
];

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

/**
 * Parquet through hyparquet-writer (pure JavaScript, one dependency): typed columns, row groups of
 * ROW_GROUP_ROWS, Snappy-compressed pages with dictionary encoding, statistics per column chunk.
 */
export function parquetWriter(output: Output, { timeZone }: FormatOptions): RowWriter {
  const writer = new StreamingByteWriter(output);
  const parquet = new ParquetWriter({
    writer,
    // biome-ignore lint/suspicious/noExplicitAny: hyparquet's SchemaElement type is not exported for TypeScript users
    schema: SCHEMA as any,
    codec: 'SNAPPY',
    kvMetadata: [
      { key: 'wattbus.timezone', value: timeZone },
      { key: 'wattbus.resolution', value: 'raw' },
    ],
    createdBy: 'wattbus-export',
  });
  // the columns of the row group being filled, appended to value by value
  let columns = emptyColumns();
  const flushGroup = async () => {
    const rows = columns.value.length;
    if (rows === 0) return;
    const c = columns;
    columns = emptyColumns();
    await parquet.write({
      rowGroupSize: rows,
      columnData: [
        { name: 'time', data: c.time },
        { name: 'site', data: c.site },
        { name: 'meter', data: c.meter },
        { name: 'channel', data: c.channel },
        { name: 'role', data: c.role },
        { name: 'seq', data: c.seq },
        { name: 'quantity', data: c.quantity },
        { name: 'value', data: c.value },
        { name: 'labels', data: c.labels },
      ],
    });
  };
  return {
    async write(points) {
      for (const p of points) {
        const ts = BigInt(p.ts);
        const seq = p.seq === null ? null : BigInt(p.seq);
        const c = columns;
        for (let i = 0; i < p.values.length; i++) {
          c.time.push(ts);
          c.site.push(p.site);
          c.meter.push(p.meter);
          c.channel.push(p.channel);
          c.role.push(p.role);
          c.seq.push(seq);
          c.quantity.push(p.quantities[i] as string);
          c.value.push(p.values[i] as number);
          c.labels.push(p.labels);
        }
        if (c.value.length >= ROW_GROUP_ROWS) await flushGroup();
      }
    },
    async end() {
      await flushGroup();
      await parquet.finish();
    },
  };
}

function emptyColumns() {
  return {
    time: [] as bigint[],
    site: [] as string[],
    meter: [] as string[],
    channel: [] as string[],
    role: [] as string[],
    seq: [] as Array<bigint | null>,
    quantity: [] as string[],
    value: [] as number[],
    labels: [] as string[],
  };
}
