import { type Static, Type } from '@sinclair/typebox';
import { channelRuleSettings, numberSetting, rolesSetting } from '../channel-settings.js';

/** The settings of the `overload` rule (`rules.overload`, and `overload` in an override), with their defaults. */
export const OverloadSettingsSchema = channelRuleSettings(60, 300, {
  limit_w: Type.Optional(
    Type.Number({ exclusiveMinimum: 0, description: 'e.g. the subscribed power; no limit, no overload rule' }),
  ),
  clear_below_ratio: numberSetting(0.95, 'resolved only below limit × ratio (hysteresis)', {
    exclusiveMinimum: 0,
    maximum: 1,
  }),
  roles: rolesSetting(['grid', 'consumption']),
});
export type OverloadSettings = Static<typeof OverloadSettingsSchema>;
