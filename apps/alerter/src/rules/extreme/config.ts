import { type Static, Type } from '@sinclair/typebox';
import { channelRuleSettings, numberSetting, rolesSetting } from '../channel-settings.js';

/** The settings of the `extreme` rule (`rules.extreme`, and `extreme` in an override), with their defaults. */
export const ExtremeSettingsSchema = channelRuleSettings(0, 300, {
  max_w: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'absolute threshold on |power_w|' })),
  window: numberSetting(720, 'readings of the channel kept for its recent distribution', {
    minimum: 10,
    maximum: 100_000,
  }),
  min_samples: numberSetting(100, 'no statistical verdict before this many readings', { minimum: 2 }),
  sigma: numberSetting(6, 'extreme when |power − mean| > sigma × stddev', { exclusiveMinimum: 0 }),
  min_stddev_w: numberSetting(100, 'floor of the stddev, so a flat channel is not extreme at its first step', {
    minimum: 0,
  }),
  roles: rolesSetting(['grid', 'consumption']),
});
export type ExtremeSettings = Static<typeof ExtremeSettingsSchema>;
