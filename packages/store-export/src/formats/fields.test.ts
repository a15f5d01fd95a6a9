import { describe, expect, it } from 'vitest';
import { ByteBuilder, fieldsOf, utf8 } from './fields.js';

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
