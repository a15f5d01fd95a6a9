import type { Static } from '@sinclair/typebox';
import { channelRuleSettings, numberSetting } from '../channel-settings.js';

/** The settings of the `sign` rule (`rules.sign`, and `sign` in an override), with their defaults. */
export const SignSettingsSchema = channelRuleSettings(300, 300, {
  tolerance_w: numberSetting(50, 'consumption below −tolerance or production above +tolerance is wrong', {
    minimum: 0,
  }),
});
export type SignSettings = Static<typeof SignSettingsSchema>;
