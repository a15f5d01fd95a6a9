import type { VoltageForecastMessage } from '@wattbus/contract';
import { describe, expect, it } from 'vitest';
import { VoltageForecastRule } from './voltage-forecast.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 5, 1, 6);

function forecast(issued: number, expected: number[], pOver = 0.8): VoltageForecastMessage {
  return {
    v: 1,
    site: 'house-1',
    issued,
    band: { low_v: 207, high_v: 253 },
    status: 'ok',
    threshold: 0.4,
    hours: [1, 2, 3, 4, 5, 6].map((k) => ({
      start: issued + k * HOUR,
      p_over: expected.includes(k) ? pOver : 0.05,
      p_under: 0.01,
      p_excursion: expected.includes(k) ? pOver : 0.06,
      expected: expected.includes(k),
    })),
  };
}

describe('VoltageForecastRule', () => {
  it('raises while an expected excursion starts within within_h hours, and says when and which way', () => {
    const rule = new VoltageForecastRule(3);
    rule.onVoltageForecast(forecast(T0, [5, 6]));
    expect(rule.evaluate(T0).size).toBe(0); // 5 h ahead: not yet
    const open = rule
      .evaluate(T0 + 2 * HOUR)
      .get('house-1')
      ?.get('site');
    expect(open).toEqual({
      since: T0,
      value: 0.8,
      message: 'voltage expected above 253 V from 11:00 UTC (2 h, probability up to 80 %)',
    });
    expect(rule.evaluate(T0 + 6.5 * HOUR).size).toBe(1); // under way
    expect(rule.evaluate(T0 + 7 * HOUR).size).toBe(0); // over
  });

  it('follows the newest forecast: one that no longer expects the excursion resolves it, an older one is ignored', () => {
    const rule = new VoltageForecastRule(6);
    rule.onVoltageForecast(forecast(T0, [2]));
    expect(rule.evaluate(T0).size).toBe(1);
    rule.onVoltageForecast(forecast(T0 + HOUR, []));
    expect(rule.evaluate(T0 + HOUR).size).toBe(0);
    rule.onVoltageForecast(forecast(T0, [2]));
    expect(rule.evaluate(T0 + HOUR).size).toBe(0);
  });

  it('names an under-voltage as such, and raises nothing for a forecast without hours', () => {
    const rule = new VoltageForecastRule(6);
    const under = forecast(T0, [1]);
    under.hours[0] = { ...(under.hours[0] as VoltageForecastMessage['hours'][number]), p_over: 0.02, p_under: 0.7 };
    rule.onVoltageForecast(under);
    expect(rule.evaluate(T0).get('house-1')?.get('site')?.message).toMatch(/^voltage expected below 207 V from 07:00/);
    rule.onVoltageForecast({ ...forecast(T0 + HOUR, []), status: 'insufficient history: 48 hours, need 336' });
    expect(rule.evaluate(T0 + HOUR).size).toBe(0);
  });
});
