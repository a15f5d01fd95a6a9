import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { Output } from '../output.js';
import type { ExportRow } from '../rows.js';
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
  let pending: ExportRow[] = [];
  const flushGroup = async () => {
    if (pending.length === 0) return;
    const rows = pending;
    pending = [];
    const column = <T>(pick: (r: ExportRow) => T) => rows.map(pick);
    await parquet.write({
      rowGroupSize: rows.length,
      columnData: [
        { name: 'time', data: column((r) => BigInt(r.ts)) },
        { name: 'site', data: column((r) => r.site) },
        { name: 'meter', data: column((r) => r.meter) },
        { name: 'channel', data: column((r) => r.channel) },
        { name: 'role', data: column((r) => r.role) },
        { name: 'seq', data: column((r) => (r.seq === null ? null : BigInt(r.seq))) },
        { name: 'quantity', data: column((r) => r.quantity) },
        { name: 'value', data: column((r) => r.value) },
        { name: 'labels', data: column((r) => r.labels) },
      ],
    });
  };
  return {
    async write(rows) {
      for (const row of rows) {
        pending.push(row);
        if (pending.length >= ROW_GROUP_ROWS) await flushGroup();
      }
    },
    async end() {
      await flushGroup();
      await parquet.finish();
    },
  };
}
