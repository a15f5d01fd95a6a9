import { defineRule } from '../definition.js';
import { MissingDataOverrideSchema, MissingDataSettingsSchema } from './config.js';
import { MissingDataRule } from './missing-data.js';

export const missingDataRule = defineRule({
  name: 'missing_data',
  description:
    "No reading on a channel for N × its meter's interval, or the site's agent offline (LWT) for longer than a grace.",
  configSchema: MissingDataSettingsSchema,
  overrideSchema: MissingDataOverrideSchema,
  create: (settings, context) => {
    const perChannel = context.perChannel({ after_intervals: settings.after_intervals });
    return new MissingDataRule({
      afterIntervals: settings.after_intervals,
      afterIntervalsFor: (site, meter, channel) => perChannel.for(site, meter, channel).after_intervals,
      defaultIntervalMs: settings.default_interval_ms,
      offlineGraceMs: settings.offline_grace_ms,
    });
  },
});
