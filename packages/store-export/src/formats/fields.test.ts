import { describe, expect, it } from 'vitest';
import type { ColumnData } from '../table.js';
import { ByteBuilder, fieldsOf, utf8 } from './fields.js';
import { TextRows } from './text-rows.js';

const style = {
  time: (ts: number) => new Date(ts).toISOString(),
  text: (s: string) => `<${s}>`,
  json: (s: string) => s,
  nonFinite: undefined,
  absent: utf8('-'),
};

/** Each row of one column, rendered as the field writer writes it. */
function render(kind: 'time' | 'int' | 'float' | 'text', data: Float64Array | Array<string | null>): string[] {
  const [field] = fieldsOf([{ name: 'x', kind, nullable: true, parquet: true }], style);
  if (field === undefined) throw new Error('no field');
  field.data = data;
  return Array.from({ length: data.length }, (_, row) => {
    const out = new ByteBuilder(4);
    field.put(out, row);
    return out.take().toString('utf8');
  });
}

describe('field writers', () => {
  it('write numbers as JavaScript prints them, integers without a string, NaN as absent', () => {
    const values = [0, -0, 7, -42, 2 ** 31, 1_767_225_600_123, -(2 ** 53 - 1), 0.1, -1234.5678, 1e21, 5e-7, 1 / 3];
    expect(render('float', Float64Array.from(values))).toEqual(values.map(String));
    expect(render('int', Float64Array.from([12, 12, Number.NaN, 13]))).toEqual(['12', '12', '-', '13']);
  });

  it('render a string once per distinct value, repeated ones from the last, null as absent', () => {
    expect(render('text', ['a', 'a', null, 'b', 'a', 'é,"'])).toEqual(['<a>', '<a>', '-', '<b>', '<a>', '<é,">']);
    expect(render('time', Float64Array.from([0, 0, 86_400_000]))).toEqual([
      '1970-01-01T00:00:00.000Z',
      '1970-01-01T00:00:00.000Z',
      '1970-01-02T00:00:00.000Z',
    ]);
  });

  it('grow the buffer past its first size', () => {
    const out = new ByteBuilder(2);
    for (let i = 0; i < 100; i++) out.bytes(utf8('abc'));
    out.bytes(new Uint8Array(100).fill(65));
    expect(out.take().toString('latin1')).toBe('abc'.repeat(100) + 'A'.repeat(100));
  });
});

const specs = [
  { name: 't', kind: 'time', nullable: false, parquet: true },
  { name: 'site', kind: 'text', nullable: false, parquet: true },
  { name: 'seq', kind: 'int', nullable: true, parquet: true },
  { name: 'q', kind: 'text', nullable: false, parquet: true },
  { name: 'v', kind: 'float', nullable: true, parquet: true },
  { name: 'labels', kind: 'text', nullable: true, parquet: true },
] as const;

/** Each row rendered on its own, every field: what TextRows must write whatever it copies. */
function naive(columns: readonly ColumnData[], length: number): string {
  let text = '';
  for (let row = 0; row < length; row++) {
    const fields = fieldsOf(specs, style);
    text += `${fields
      .map((f, c) => {
        f.data = columns[c] as ColumnData;
        const out = new ByteBuilder(4);
        f.put(out, row);
        return out.take().toString('utf8');
      })
      .join('|')};\n`;
  }
  return text;
}

/** Rows of `specs`, fields separated by `separator`, each row closed by `end`. */
const textRows = (separator: string, end: string) =>
  new TextRows(
    fieldsOf(
      specs,
      style,
      specs.map((_, c) => utf8(c === 0 ? '' : separator)),
    ),
    utf8(end),
  );

describe('text rows', () => {
  it('write every row as it would be written alone, whatever the rows share with the ones before', () => {
    // a seeded generator: rows that share leading columns, then differ anywhere
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const rows = textRows('|', ';\n');
    for (const length of [1, 2, 50, 3000]) {
      const t = new Float64Array(length);
      const seq = new Float64Array(length);
      const v = new Float64Array(length);
      const site: string[] = [];
      const q: string[] = [];
      const labels: Array<string | null> = [];
      for (let r = 0; r < length; r++) {
        const keep = r > 0 ? next(6) : 0; // how many leading columns repeat the row before
        t[r] = keep > 0 ? (t[r - 1] as number) : 1_767_225_600_000 + next(4) * 1000;
        site[r] = keep > 1 ? (site[r - 1] as string) : `house-${next(3)}`;
        seq[r] = keep > 2 ? (seq[r - 1] as number) : next(5) === 0 ? Number.NaN : next(1000);
        q[r] = keep > 3 ? (q[r - 1] as string) : (['power_w', 'energy_import_wh', 'é,"'][next(3)] as string);
        v[r] = keep > 4 ? (v[r - 1] as number) : next(7) === 0 ? Number.NaN : next(100_000) / 7;
        labels[r] = next(4) === 0 ? null : `tariff=${next(2)}`;
      }
      const columns = [t, site, seq, q, v, labels];
      const out = new ByteBuilder(16);
      out.bytes(utf8('header\n'));
      rows.write(out, columns, length);
      expect(out.take().toString('utf8')).toBe(`header\n${naive(columns, length)}`);
    }
  });

  it('copy a whole row that repeats the one before, and start each batch afresh', () => {
    const rows = textRows(',', '\n');
    const columns = [
      Float64Array.from([0, 0, 0]),
      ['a', 'a', 'a'],
      Float64Array.from([1, 1, 1]),
      ['p', 'p', 'p'],
      Float64Array.from([2.5, 2.5, 2.5]),
      [null, null, null],
    ];
    const out = new ByteBuilder(4);
    rows.write(out, columns, 3);
    const line = '1970-01-01T00:00:00.000Z,<a>,1,<p>,2.5,-\n';
    expect(out.take().toString('utf8')).toBe(line.repeat(3));
    rows.write(out, columns, 2);
    expect(out.take().toString('utf8')).toBe(line.repeat(2));
  });
});
