import { Type } from '@sinclair/typebox';
import { defineRule } from '../definition.js';
import { VoltageForecastSettingsSchema } from './config.js';
import { VoltageForecastRule } from './voltage-forecast.js';

export const voltageForecastRule = defineRule({
  name: 'voltage_forecast',
  description: "An hour the site's voltage forecast expects outside the band starts within within_h hours.",
  configSchema: VoltageForecastSettingsSchema,
  // Judged per site from its forecast: an override naming this rule would be ignored, so none is accepted.
  overrideSchema: Type.Object({}, { additionalProperties: false }),
  create: (settings) => new VoltageForecastRule(settings.within_h),
});
