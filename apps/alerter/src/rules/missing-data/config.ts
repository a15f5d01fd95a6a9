import { type Static, Type } from '@sinclair/typebox';
import { withoutDefaults } from '../overrides.js';

/** The settings of the `missing_data` rule (`rules.missing_data`), with their defaults. */
export const MissingDataSettingsSchema = Type.Object(
  {
    after_intervals: Type.Number({
      minimum: 1,
      default: 3,
      description: 'missing after N × the interval',
    }),
    default_interval_ms: Type.Integer({ minimum: 100, default: 60_000 }),
    offline_grace_ms: Type.Integer({
      minimum: 0,
      default: 60_000,
      description: 'an offline agent is raised only if still offline after this (a flapping agent is not)',
    }),
  },
  { additionalProperties: false, default: {} },
);
export type MissingDataSettings = Static<typeof MissingDataSettingsSchema>;

/** Only `after_intervals` is per channel: `missing_data` in an override sets it, and must. */
export const MissingDataOverrideSchema = withoutDefaults(
  Type.Pick(MissingDataSettingsSchema, ['after_intervals'], { additionalProperties: false }),
);
