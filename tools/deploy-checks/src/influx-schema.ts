import { PHASES, QUANTITIES, type QuantityName, RATES, valueName } from '@wattbus/contract';
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

const QUANTITY_NAMES = Object.keys(QUANTITIES) as QuantityName[];
const COUNTERS = QUANTITY_NAMES.filter((q) => QUANTITIES[q].kind === 'counter');

export const FIELDS: ReadonlySet<string> = new Set([
  'seq',
  ...QUANTITY_NAMES.flatMap((q) => [valueName(q), ...PHASES.map((phase) => valueName(q, phase))]),
  // a counter's per-rate indexes (energy_import_wh_t1, energy_import_wh_hc…): fields of the same point
  ...COUNTERS.flatMap((q) =>
    RATES.flatMap((rate) => [valueName(q, undefined, rate), ...PHASES.map((phase) => valueName(q, phase, rate))]),
  ),
]);
