import { defineRule } from '../definition.js';
import { SignSettingsSchema } from './config.js';
import { SignRule } from './sign.js';

export const signRule = defineRule({
  name: 'sign',
  description:
    'Consumption below −tolerance or production above +tolerance: a sign factor is wrong (contract: consumption +, production −).',
  configSchema: SignSettingsSchema,
  create: (settings, context) => new SignRule(context.perChannel(settings)),
});
