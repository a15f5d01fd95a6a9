import type { Static } from '@sinclair/typebox';
import { channelRuleSettings, numberSetting } from '../channel-settings.js';

/** The settings of the `voltage` rule (`rules.voltage`, and `voltage` in an override), with their defaults. */
export const VoltageSettingsSchema = channelRuleSettings(60, 300, {
  min_v: numberSetting(207, 'EN 50160: 230 V − 10 %', { minimum: 0 }),
  max_v: numberSetting(253, 'EN 50160: 230 V + 10 %', { minimum: 0 }),
  hysteresis_v: numberSetting(2, 'resolved only within [min + h, max − h]', { minimum: 0 }),
});
export type VoltageSettings = Static<typeof VoltageSettingsSchema>;
