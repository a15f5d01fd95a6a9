import type { Static } from '@sinclair/typebox';
import { channelRuleSettings, numberSetting } from '../channel-settings.js';

/** The settings of the `energy_index` rule (`rules.energy_index`, and `energy_index` in an override), with their defaults. */
export const EnergyIndexSettingsSchema = channelRuleSettings(0, 3600, {
  tolerance_wh: numberSetting(0, 'an energy index may go back by this much (rounding) without an alert', {
    minimum: 0,
  }),
});
export type EnergyIndexSettings = Static<typeof EnergyIndexSettingsSchema>;
