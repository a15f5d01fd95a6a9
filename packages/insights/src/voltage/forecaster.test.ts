import { describe, expect, it } from 'vitest';
import { VoltageForecaster } from './forecaster.js';
import { HOUR_MS, type SiteHour } from './hours.js';

const MONDAY = Date.UTC(2026, 2, 2);
const DAY_MS = 24 * HOUR_MS;
/** Sunny and cloudy spells of three days each. */
const sunny = (day: number) => Math.floor(day / 3) % 2 === 0;
const weekend = (day: number) => day % 7 >= 5;

/**
 * A site whose voltage goes over the band when its PV gives 2.4 kWh in an hour or more (10–14 h on sunny days) and
 * under it at 19 h on weekdays; production follows the sun, scaled down on cloudy days.
 */
function history(days: number): SiteHour[] {
  const out: SiteHour[] = [];
  for (let d = 0; d < days; d++) {
    for (let h = 0; h < 24; h++) {
      const sun = Math.max(0, Math.sin((Math.PI * (h - 6)) / 12));
      const production_wh = Math.round((sunny(d) ? 3000 : 600) * sun);
      const over = production_wh >= 2400;
      const under = !weekend(d) && h === 19;
      out.push({
        start_ms: MONDAY + d * DAY_MS + h * HOUR_MS,
        voltage_v: { min: under ? 203 : 221 + (h % 3), max: over ? 256 : 240 - (h % 2) },
        production_wh,
      });
    }
  }
  return out;
}

const at = (day: number, hour: number) => MONDAY + day * DAY_MS + hour * HOUR_MS;

describe('VoltageForecaster', () => {
  const site = history(28);
  const forecaster = new VoltageForecaster({ has_pv: true });
  const trained = forecaster.train(site.filter((h) => h.start_ms < at(21, 0)));

  it('learns when this site leaves the band and forecasts it hours ahead', () => {
    expect(trained).toEqual({ ok: true, status: 'trained' });
    // Day 25 is a sunny Friday after a sunny day; day 22 a cloudy Tuesday after a cloudy day.
    const noon = forecaster.forecast(site, at(25, 9));
    expect(noon.status).toBe('ok');
    expect(noon.hours.map((h) => new Date(h.start_ms).getUTCHours())).toEqual([10, 11, 12, 13, 14, 15]);
    // A linear model in hour and production blurs the edges of the sunny hours, not their core.
    expect(noon.hours.map((h) => h.expected)).toEqual([false, true, true, true, false, false]);
    const p = noon.hours.map((h) => h.p_excursion);
    expect(p[2]).toBeGreaterThan(p[0] as number);
    expect(p[0]).toBeGreaterThan(p[5] as number);
    expect(noon.hours[1]?.p_over).toBeGreaterThan(noon.hours[1]?.p_under ?? 1);

    const evening = forecaster.forecast(site, at(25, 14));
    expect(evening.hours.filter((h) => h.expected).map((h) => new Date(h.start_ms).getUTCHours())).toEqual([19]);
    expect(evening.hours[4]?.p_under).toBeGreaterThan(0.5);

    const cloudy = forecaster.forecast(site, at(22, 9));
    expect(cloudy.hours.some((h) => h.expected)).toBe(false);
    const night = forecaster.forecast(site, at(26, 0));
    expect(night.hours.every((h) => h.p_excursion < 0.1)).toBe(true);
  });

  it('gives the same forecasts after a restart from its JSON state', () => {
    const state = JSON.parse(JSON.stringify(forecaster.toJSON()));
    const loaded = VoltageForecaster.fromJSON(state);
    if (!loaded.ok) throw new Error(loaded.status);
    expect(loaded.forecaster.forecast(site, at(25, 9))).toEqual(forecaster.forecast(site, at(25, 9)));
  });

  it('says how much history it has and needs instead of guessing', () => {
    const young = new VoltageForecaster();
    expect(young.train(site.slice(0, 100))).toEqual({ ok: false, status: 'insufficient history: 100 hours, need 336' });
    expect(young.trained).toBe(false);
    expect(young.forecast(site, at(25, 9))).toMatchObject({ status: 'not trained', hours: [] });
    const gappy = site.map((h, i) => (i % 2 ? { ...h, voltage_v: null } : h));
    expect(new VoltageForecaster().train(gappy.slice(0, 21 * 24)).status).toBe(
      'insufficient history: 252 hours, need 336',
    );
  });

  it('names a meter without voltage and a PV site without a production channel', () => {
    const noVoltage = site.map((h) => ({ ...h, voltage_v: null }));
    expect(new VoltageForecaster().train(noVoltage)).toEqual({
      ok: false,
      status: 'no voltage in the history: does the meter measure voltage?',
    });
    const noProduction = site.map((h) => ({ ...h, production_wh: null }));
    const blind = new VoltageForecaster({ has_pv: true });
    expect(blind.train(noProduction)).toEqual({
      ok: true,
      status: 'trained; trained without PV inputs: the site has PV but no production channel',
    });
    expect(blind.forecast(noProduction, at(25, 14)).status).toBe('ok');
  });

  it('forecasts what it can when recent inputs are missing, and says so', () => {
    const lost = site.map((h) =>
      h.start_ms >= at(23, 11) && h.start_ms < at(24, 0) ? { ...h, production_wh: null } : h,
    );
    // Yesterday's production is missing from 11 h on: 10 h is still forecast, the rest is not.
    const partial = forecaster.forecast(lost, at(24, 9));
    expect(partial.status).toBe('partial: 5 of 6 hours lack production (yesterday and the last 3 h)');
    expect(partial.hours).toHaveLength(1);
    expect(forecaster.forecast([], at(25, 9)).status).toBe(
      'no forecast: the recent hours lack production (yesterday and the last 3 h)',
    );
  });

  it('refuses a bad band, an unknown zone and a state it cannot use, with a status', () => {
    expect(new VoltageForecaster({ band: { low_v: 250, high_v: 210 } }).train(site).status).toBe(
      'bad band: low 250 V is not below high 210 V',
    );
    expect(new VoltageForecaster({ timezone: 'Europe/Brussel' }).train(site).status).toBe(
      'unknown time zone "Europe/Brussel"',
    );
    for (const bad of [null, 'x', { version: 9 }, { ...forecaster.toJSON(), over: { coef: [Number.NaN] } }]) {
      const loaded = VoltageForecaster.fromJSON(bad);
      expect(loaded.ok).toBe(false);
    }
  });

  it('uses a configured band', () => {
    const strict = new VoltageForecaster({ band: { low_v: 200, high_v: 260 }, has_pv: true });
    expect(strict.train(site).status).toBe('trained; no excursion in the history: every forecast will be low');
    expect(strict.forecast(site, at(25, 9)).hours.some((h) => h.expected)).toBe(false);
  });
});
