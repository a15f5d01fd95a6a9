import type { ColumnData } from '../table.js';
import type { ByteBuilder, Field } from './fields.js';

/**
 * Writes a batch's rows in a text format: the fields (each writes what comes before it, a comma or a JSON key), each
 * row closed by `end`. A row whose leading columns hold the same values as the row before (the values of one reading
 * share its time, ids and seq; the readings of one instant share their time) copies those fields' bytes from the
 * row before instead of rendering them again: long-form rows repeat most of their bytes.
 */
export class TextRows {
  /** Where each field of the row before ends in the output. */
  private readonly ends: Int32Array;

  constructor(
    private readonly fields: readonly Field[],
    private readonly end: Uint8Array,
  ) {
    this.ends = new Int32Array(fields.length);
  }

  write(out: ByteBuilder, columns: readonly ColumnData[], length: number): void {
    const { fields, end, ends } = this;
    const count = fields.length;
    fields.forEach((f, c) => {
      f.data = columns[c] as ColumnData;
    });
    let previous = 0;
    for (let row = 0; row < length; row++) {
      const start = out.length;
      let same = 0;
      if (row > 0) {
        while (same < count && (columns[same] as ColumnData)[row] === (columns[same] as ColumnData)[row - 1]) same++;
        if (same > 0) {
          out.repeat(previous, ends[same - 1] as number);
          const shift = start - previous;
          for (let c = 0; c < same; c++) ends[c] = (ends[c] as number) + shift;
        }
      }
      for (let c = same; c < count; c++) {
        (fields[c] as Field).put(out, row);
        ends[c] = out.length;
      }
      out.bytes(end);
      previous = start;
    }
  }
}
