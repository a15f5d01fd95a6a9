import { describe, expect, it } from 'vitest';
import { FluksoMessageError } from './payload.js';
import { parseSeries } from './series.js';

const T = 1_303_914_780;

describe('parseSeries (local HTTP API minute series)', () => {
  it('reads [[time, W], …] oldest first, "nan" being a second without data', () => {
    expect(parseSeries(`[[${T}, 235], [${T + 1}, "nan"], [${T + 2}, -12.5], [${T + 3}, 0]]`)).toEqual([
      { ts: T, value: 235 },
      { ts: T + 1, value: undefined },
      { ts: T + 2, value: -12.5 },
      { ts: T + 3, value: 0 },
    ]);
    expect(parseSeries(`[[${T}, "NaN"]]`)).toEqual([{ ts: T, value: undefined }]);
    expect(parseSeries('[]')).toEqual([]);
  });

  it('rejects anything else, saying what and where', () => {
    const cases: Array<[string, RegExp]> = [
      ['<html><body>busy</body></html>', /^answer is not JSON: <html><body>busy/],
      [`realtime([[${T},235]])`, /^answer is not JSON: realtime\(/],
      [`[[${T},235]`, /^answer is not JSON/],
      [`{"${T}":235}`, /^answer is not an array of \[time, W\] pairs/],
      [`[[${T},235],[${T + 1}]]`, /^element 1 is not a \[time, W\] pair: \[1303914781\]$/],
      [`[[${T},235,"W"]]`, /^element 0 is not a \[time, W\] pair/],
      [`[${T},235]`, /^element 0 is not a \[time, W\] pair: 1303914780$/],
      [`[[${T}.5,235]]`, /^element 0: time 1303914780.5 is not a Unix time in seconds$/],
      [`[["${T}",235]]`, /^element 0: time "1303914780" is not a Unix time in seconds$/],
      ['[[0,235]]', /^element 0: time 0 is not a Unix time in seconds$/],
      [`[[${T},null]]`, /^element 0: value null is neither a number nor "nan"$/],
      [`[[${T},"235"]]`, /^element 0: value "235" is neither a number nor "nan"$/],
      [`[[${T},235],[${T},236]]`, /^element 1: time 1303914780 does not follow 1303914780 \(oldest first\)$/],
      [`[[${T + 1},235],[${T},236]]`, /^element 1: time 1303914780 does not follow 1303914781/],
    ];
    for (const [body, message] of cases) {
      expect(() => parseSeries(body), body).toThrow(FluksoMessageError);
      expect(() => parseSeries(body), body).toThrow(message);
    }
    expect(() => parseSeries('x'.repeat(200))).toThrow(/x{80}…$/);
  });
});
