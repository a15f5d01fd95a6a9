import { describe, expect, it } from 'vitest';
import { lines } from './influx-v1.js';

async function* pieces(...texts: string[]): AsyncIterable<Uint8Array> {
  for (const t of texts) yield new TextEncoder().encode(t);
}
const all = async (source: AsyncIterable<string>) => {
  const out: string[] = [];
  for await (const l of source) out.push(l);
  return out;
};

describe('lines of a chunked answer', () => {
  it('joins a line split across pieces, splits pieces holding several lines, keeps a last line without break', async () => {
    expect(await all(lines(pieces('{"a":', '1}\n{"b"', ':2}\n\n{"c":3}\n{"d":', '4}')))).toEqual([
      '{"a":1}',
      '{"b":2}',
      '{"c":3}',
      '{"d":4}',
    ]);
  });

  it('decodes a character split across pieces', async () => {
    const bytes = new TextEncoder().encode('{"city":"Liège"}\n');
    async function* split() {
      yield bytes.slice(0, 13);
      yield bytes.slice(13);
    }
    expect(await all(lines(split()))).toEqual(['{"city":"Liège"}']);
  });
});
