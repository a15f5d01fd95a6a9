import type { Static } from '@sinclair/typebox';
import { channelRuleSettings, numberSetting } from '../channel-settings.js';

/** The settings of the `pv_night` rule (`rules.pv_night`, and `pv_night` in an override), with their defaults. */
export const PvNightSettingsSchema = channelRuleSettings(900, 900, {
  sun_below_deg: numberSetting(-6, 'night is when the sun is below this elevation (−6°: civil twilight)', {
    minimum: -18,
    maximum: 0,
  }),
  tolerance_w: numberSetting(20, 'production within ±tolerance at night is fine (inverter standby)', { minimum: 0 }),
});
export type PvNightSettings = Static<typeof PvNightSettingsSchema>;
