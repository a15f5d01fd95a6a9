import { describe, expect, it } from 'vitest';
import {
  applianceEstimatesTopic,
  parseVoltageForecastTopic,
  validateApplianceEstimates,
  validateVoltageForecast,
  voltageForecastFilter,
  voltageForecastTopic,
} from './forecast.js';

const forecast = {
  v: 1,
  site: 'house-1',
  issued: 1_768_287_600_000,
  band: { low_v: 207, high_v: 253 },
  status: 'ok',
  threshold: 0.4,
  hours: [{ start: 1_768_291_200_000, p_over: 0.7, p_under: 0.01, p_excursion: 0.703, expected: true }],
};

const estimates = {
  v: 1,
  site: 'house-1',
  ts: 1_768_287_600_000,
  status: 'ok',
  observed_s: 86_400,
  appliances: [{ signature: 'sig-1', step_w: 2000, duration_s: 180, runs_per_day: 2, energy_wh_per_day: 200 }],
};

describe('insights in the contract', () => {
  it('have one topic per site for the voltage forecast and the appliance estimates', () => {
    expect(voltageForecastTopic('house-1')).toBe('wattbus/v1/house-1/forecast/voltage');
    expect(applianceEstimatesTopic('house-1')).toBe('wattbus/v1/house-1/insights/appliances');
    expect(voltageForecastFilter()).toBe('wattbus/v1/+/forecast/voltage');
    expect(parseVoltageForecastTopic('wattbus/v1/house-1/forecast/voltage')).toEqual({ site: 'house-1' });
    expect(parseVoltageForecastTopic('wattbus/v1/house-1/forecast/current')).toBeUndefined();
    expect(parseVoltageForecastTopic('wattbus/v1/alerts/forecast/voltage')).toBeUndefined();
    expect(() => voltageForecastTopic('dlq')).toThrow(/reserved/);
  });

  it('validate against their schemas, naming what is wrong', () => {
    expect(validateVoltageForecast(forecast)).toEqual({ ok: true, value: forecast });
    expect(validateVoltageForecast({ ...forecast, threshold: null, hours: [], status: 'not trained' }).ok).toBe(true);
    const bad = validateVoltageForecast({ ...forecast, hours: [{ ...forecast.hours[0], p_over: 1.5 }], extra: 1 });
    expect(bad.ok).toBe(false);
    const errors = bad.ok ? '' : bad.errors.join('\n');
    expect(errors).toMatch(/p_over/);
    expect(errors).toMatch(/extra/);

    expect(validateApplianceEstimates(estimates)).toEqual({ ok: true, value: estimates });
    const worse = validateApplianceEstimates({ ...estimates, appliances: [{ signature: 'Sig 1' }] });
    expect(worse.ok).toBe(false);
    expect(worse.ok ? '' : worse.errors.join('\n')).toMatch(/signature/);
  });
});
