import { type Static, Type } from '@sinclair/typebox';

/** The settings of the `voltage_forecast` rule (`rules.voltage_forecast`), with their defaults. */
export const VoltageForecastSettingsSchema = Type.Object(
  {
    within_h: Type.Integer({
      minimum: 1,
      maximum: 48,
      default: 6,
      description: 'raised when an hour the forecast expects to leave the band starts within this many hours',
    }),
  },
  { additionalProperties: false, default: {} },
);
export type VoltageForecastSettings = Static<typeof VoltageForecastSettingsSchema>;
