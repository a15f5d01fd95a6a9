import { defineRule } from '../definition.js';
import { OverloadSettingsSchema } from './config.js';
import { OverloadRule } from './overload.js';

export const overloadRule = defineRule({
  name: 'overload',
  description: 'power_w above limit_w (e.g. the subscribed power) for raise_after_s.',
  configSchema: OverloadSettingsSchema,
  create: (settings, context) => new OverloadRule(context.perChannel(settings)),
});
