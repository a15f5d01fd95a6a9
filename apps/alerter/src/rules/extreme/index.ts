import { defineRule } from '../definition.js';
import { ExtremeSettingsSchema } from './config.js';
import { ExtremeRule } from './extreme.js';

export const extremeRule = defineRule({
  name: 'extreme',
  description: "|power_w| above max_w, or beyond sigma standard deviations of the channel's recent readings.",
  configSchema: ExtremeSettingsSchema,
  create: (settings, context) => new ExtremeRule(context.perChannel(settings)),
});
