import { defineRule } from '../definition.js';
import { EnergyIndexSettingsSchema } from './config.js';
import { EnergyIndexRule } from './energy-index.js';

export const energyIndexRule = defineRule({
  name: 'energy_index',
  description: 'An energy index (energy_*) of a channel going backwards.',
  configSchema: EnergyIndexSettingsSchema,
  create: (settings, context) => new EnergyIndexRule(context.perChannel(settings)),
});
