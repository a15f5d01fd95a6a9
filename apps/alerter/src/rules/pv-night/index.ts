import { defineRule } from '../definition.js';
import { PvNightSettingsSchema } from './config.js';
import { PvNightRule } from './pv-night.js';

export const pvNightRule = defineRule({
  name: 'pv_night',
  description: "Production while the sun is below sun_below_deg at the location of the site's info.",
  configSchema: PvNightSettingsSchema,
  create: (settings, context) => new PvNightRule(context.perChannel(settings)),
});
