import { type Static, Type } from '@sinclair/typebox';
import { Id, Timestamp, Version } from './common.js';

const Probability = Type.Number({ minimum: 0, maximum: 1 });
const Volts = Type.Number({ minimum: 0, maximum: 1000, description: 'V' });
const Status = Type.String({ maxLength: 256, description: '`ok`, or why the figures are partial or absent' });

/**
 * A site's voltage-excursion forecast for the next hours (docs/insights.md), published retained: the latest
 * forecast is what a late subscriber needs. `hours` is empty when the site has no model yet; `status` says why.
 */
export const VoltageForecastSchema = Type.Object(
  {
    v: Version,
    site: Id('site id'),
    issued: Timestamp,
    band: Type.Object({ low_v: Volts, high_v: Volts }, { additionalProperties: false }),
    status: Status,
    threshold: Type.Union([Probability, Type.Null()], { description: 'p_excursion from which an hour is expected' }),
    hours: Type.Array(
      Type.Object(
        {
          start: Timestamp,
          p_over: Probability,
          p_under: Probability,
          p_excursion: Probability,
          expected: Type.Boolean(),
        },
        { additionalProperties: false },
      ),
      { maxItems: 48 },
    ),
  },
  { $id: 'wattbus/v1/forecast-voltage', title: 'VoltageForecast', additionalProperties: false },
);
export type VoltageForecastMessage = Static<typeof VoltageForecastSchema>;

/** A household's appliance signatures and each one's energy per day, largest first (retained). */
export const ApplianceEstimatesSchema = Type.Object(
  {
    v: Version,
    site: Id('site id'),
    ts: Timestamp,
    status: Status,
    observed_s: Type.Number({ minimum: 0, description: 'seconds of 1-second power the estimates rest on' }),
    appliances: Type.Array(
      Type.Object(
        {
          signature: Id('signature id'),
          step_w: Type.Number({ description: 'mean on/off step, W' }),
          duration_s: Type.Number({ minimum: 0, description: 'typical run length, s' }),
          runs_per_day: Type.Number({ minimum: 0 }),
          energy_wh_per_day: Type.Number({ minimum: 0 }),
        },
        { additionalProperties: false },
      ),
      { maxItems: 256 },
    ),
  },
  { $id: 'wattbus/v1/insights-appliances', title: 'ApplianceEstimates', additionalProperties: false },
);
export type ApplianceEstimatesMessage = Static<typeof ApplianceEstimatesSchema>;
