import { describe, expect, it } from 'vitest';
import { FluksoMessageError, parsePayload, parseTopic, topicsFor } from './payload.js';

const ID = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

describe('Fluksometer topics and payloads', () => {
  it('recognises the sensor topics only', () => {
    expect(parseTopic(`/sensor/${ID}/gauge`)).toEqual({ sensor: ID, kind: 'gauge' });
    expect(parseTopic(`/sensor/${ID}/counter`)).toEqual({ sensor: ID, kind: 'counter' });
    expect(parseTopic(`sensor/${ID}/gauge`)).toBeUndefined();
    expect(parseTopic(`/sensor/${ID.toUpperCase()}/gauge`)).toBeUndefined();
    expect(parseTopic(`/device/${ID}/tmpo/sync`)).toBeUndefined();
    expect(topicsFor(ID)).toEqual([`/sensor/${ID}/gauge`, `/sensor/${ID}/counter`]);
  });

  it('reads [time, value, unit]', () => {
    expect(parsePayload('gauge', Buffer.from('[1718967600,1234,"W"]'))).toEqual({ ts: 1718967600, value: 1234 });
    expect(parsePayload('counter', '[1718967600,4521987,"Wh"]')).toEqual({ ts: 1718967600, value: 4521987 });
    expect(parsePayload('gauge', '[1718967600,-12.5,"W"]')).toEqual({ ts: 1718967600, value: -12.5 });
  });

  it('rejects anything else with the payload in the message', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['gauge', '[1718967600,nan,"W"]', /^gauge payload is not JSON: \[1718967600,nan,"W"\]$/],
      ['gauge', '[1718967600,1234]', /^gauge payload is not \[time, value, unit\]/],
      ['gauge', '{"ts":1}', /^gauge payload is not \[time, value, unit\]/],
      ['gauge', '[1718967600.5,1,"W"]', /^gauge time is not a Unix time in seconds/],
      ['gauge', '[0,1,"W"]', /^gauge time is not a Unix time in seconds/],
      ['gauge', '[1718967600,null,"W"]', /^gauge value is not a number/],
      ['gauge', '[1718967600,"12","W"]', /^gauge value is not a number/],
      ['gauge', '[1718967600,3,"L/min"]', /^gauge unit is "L\/min", not W: only electricity sensors are supported$/],
      ['counter', '[1718967600,3,"W"]', /^counter unit is "W", not Wh/],
    ];
    for (const [kind, payload, message] of cases) {
      expect(() => parsePayload(kind as 'gauge', payload), payload).toThrow(FluksoMessageError);
      expect(() => parsePayload(kind as 'gauge', payload), payload).toThrow(message);
    }
    expect(() => parsePayload('gauge', 'x'.repeat(200))).toThrow(/x{80}…$/);
  });
});
