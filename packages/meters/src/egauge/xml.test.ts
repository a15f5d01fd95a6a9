import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EgaugeFormatError, parseHistory, parseInstant } from './xml.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const NEWEST = 0x66755f10;

describe('parseHistory', () => {
  it('reads an egauge-show answer: serial, columns, one row per time, newest first and time_delta apart', () => {
    const history = parseHistory(fixture('egauge-show-minutes.xml'));
    expect(history.serial).toBe('0x4e842294');
    expect(history.columns).toEqual([
      { name: 'Grid', type: 'P' },
      { name: 'Solar', type: 'P' },
      { name: 'L1 Voltage', type: 'V' },
      { name: 'CT1 Amperage', type: 'I' },
      { name: 'Frequency', type: 'F' },
    ]);
    expect(history.newestTs).toBe(NEWEST);
    // the second <data> block has no <cname>: it reuses the columns; its rows start at its own time_stamp
    expect([...history.rows.keys()]).toEqual([NEWEST, NEWEST - 60, NEWEST - 120, NEWEST - 480]);
    expect(history.rows.get(NEWEST)?.get('Grid')).toBe('55357226851');
    expect(history.rows.get(NEWEST - 60)?.get('Solar')).toBe('-19820060802');
    expect(history.rows.get(NEWEST - 480)?.get('L1 Voltage')).toBe('4511317123106');
  });

  it('keeps totals as the device wrote them, past 2^53 too', () => {
    const xml = fixture('egauge-show-minutes.xml').replace('55357226851', '9223372036854775000');
    expect(parseHistory(xml).rows.get(NEWEST)?.get('Grid')).toBe('9223372036854775000');
  });

  it('rejects a truncated answer', () => {
    const xml = fixture('egauge-show-minutes.xml');
    const cut = xml.slice(0, Math.floor(xml.length / 2));
    expect(() => parseHistory(cut)).toThrow(EgaugeFormatError);
    expect(() => parseHistory(cut)).toThrow(/not well-formed XML/);
  });

  it('rejects XML that is not an egauge-show answer, and rows that do not fit the columns', () => {
    expect(() => parseHistory('<html><body>login</body></html>')).toThrow(/no <group><data> element/);
    const short = fixture('egauge-show-minutes.xml').replace('<c>944129220004</c>', '');
    expect(() => parseHistory(short)).toThrow(/<data> block 1, row 1: 4 values for 5 columns/);
    const badTime = fixture('egauge-show-minutes.xml').replace('time_stamp="0x66755f10"', 'time_stamp="soon"');
    expect(() => parseHistory(badTime)).toThrow(/time_stamp="soon" is not an integer/);
  });

  it('accepts an answer without rows', () => {
    const empty =
      '<group serial="0x1"><data columns="1" time_stamp="0x10" time_delta="1"><cname t="P">Grid</cname></data></group>';
    const history = parseHistory(empty);
    expect(history.rows.size).toBe(0);
    expect(history.newestTs).toBeUndefined();
    expect(history.columns).toEqual([{ name: 'Grid', type: 'P' }]);
  });
});

describe('parseInstant', () => {
  it('reads an egauge?inst&tot answer: device time, each register total and last-second value, the total rows', () => {
    const instant = parseInstant(fixture('egauge-inst-tot.xml'));
    expect(instant.serial).toBe('0x4e842294');
    expect(instant.ts).toBe(1718971200);
    expect([...instant.registers.keys()]).toEqual([
      'Grid',
      'Solar',
      'L1 Voltage',
      'CT1 Amperage',
      'Frequency',
      'Total Usage',
      'Total Generation',
    ]);
    expect(instant.registers.get('Grid')).toEqual({ type: 'P', total: '-46668287', instant: '-165' });
    expect(instant.registers.get('L1 Voltage')).toEqual({ type: 'V', total: '4511319123106', instant: '231.482' });
    expect(instant.registers.get('Total Usage')).toEqual({ type: 'P', total: '17747984', instant: '2047' });
  });

  it('refuses a history answer, a missing or non-integer <ts>, and truncated XML', () => {
    expect(() => parseInstant(fixture('egauge-show-minutes.xml'))).toThrow(/not an egauge\?inst answer/);
    expect(() => parseInstant('<data serial="0x1"><r t="P" n="Grid"><v>1</v><i>1</i></r></data>')).toThrow(
      /no <ts> element/,
    );
    expect(() => parseInstant('<data><ts>12.5</ts></data>')).toThrow(/<ts>12.5<\/ts> is not an integer/);
    const xml = fixture('egauge-inst-tot.xml');
    expect(() => parseInstant(xml.slice(0, xml.length / 2))).toThrow(EgaugeFormatError);
  });
});
