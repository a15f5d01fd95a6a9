import { exampleReading } from '@wattbus/contract';
import { describe, expect, it } from 'vitest';
import { toLine, toLines } from './line-protocol.js';

describe('toLine', () => {
  it('writes sorted tags, float fields, an integer seq and a ms timestamp', () => {
    expect(toLine(exampleReading())).toBe(
      'reading,channel=grid,meter=main,role=grid,site=house-12,tariff=HP power_w=1234.5,energy_import_wh=1200345,voltage_v_l1=231.2,seq=1042i 1763800000000',
    );
  });

  it('escapes commas, spaces and equals signs in tags; keeps inner backslashes; drops newlines and a trailing backslash', () => {
    const line = toLine(exampleReading(), { street: 'Rue de la Loi, 16', note: 'a=b\\c', multi: 'x\ny', end: 'z\\' });
    expect(line).toContain(',street=Rue\\ de\\ la\\ Loi\\,\\ 16,');
    expect(line).toContain(',note=a\\=b\\c,');
    expect(line).toContain(',multi=x\\ y,');
    expect(line).toContain(',end=z,');
  });

  it('lets the contract tags win over labels and extra tags of the same name, and skips empty tags', () => {
    const r = { ...exampleReading(), labels: { site: 'evil', tariff: '' } };
    expect(toLine(r, { role: 'x', city: '', only: '\\\\' })).toMatch(
      /^reading,channel=grid,meter=main,role=grid,site=house-12 /,
    );
  });

  it('joins a batch with newlines', () => {
    const a = exampleReading();
    const b = { ...a, ts: a.ts + 1 };
    expect(toLines([a, b]).split('\n')).toEqual([toLine(a), toLine(b)]);
  });
});
