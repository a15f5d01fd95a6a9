import { PHASES, QUANTITIES, type QuantityName, valueName } from '@wattbus/contract';
import { InfluxV1ConfigSchema, MEASUREMENT } from '@wattbus/sinks';

/**
 * What the Influx sink writes (packages/sinks/src/influx/line-protocol.ts): one measurement; the tags site,
 * meter, channel, role, every label key and the site info tags it is configured with by default; one float
 * field per value name of the contract's registry and the integer field `seq`. Dashboards may refer to nothing else.
 */
export { MEASUREMENT };

/** The site info tags (city, postcode) the Influx sinks write unless configured otherwise. */
export const SITE_TAGS: readonly string[] = InfluxV1ConfigSchema.properties.site_tags.default;

/** Label keys drivers set today (ecodevices: the tariff period). Labels are free-form; add keys as they come. */
export const LABEL_KEYS = ['tariff'] as const;

export const TAGS: ReadonlySet<string> = new Set(['site', 'meter', 'channel', 'role', ...LABEL_KEYS, ...SITE_TAGS]);

export const FIELDS: ReadonlySet<string> = new Set([
  'seq',
  ...(Object.keys(QUANTITIES) as QuantityName[]).flatMap((q) => [
    valueName(q),
    ...PHASES.map((phase) => valueName(q, phase)),
  ]),
]);
