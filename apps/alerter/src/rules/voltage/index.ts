import { defineRule } from '../definition.js';
import { VoltageSettingsSchema } from './config.js';
import { VoltageRule } from './voltage.js';

export const voltageRule = defineRule({
  name: 'voltage',
  description:
    'A phase-to-neutral voltage outside [min_v, max_v] (EN 50160), or a line-to-line one outside √3 × that band.',
  configSchema: VoltageSettingsSchema,
  create: (settings, context) => new VoltageRule(context.perChannel(settings)),
});
