import { PHASES, QUANTITIES, type QuantityName, RATES, RollupSchema, valueName } from '@wattbus/contract';
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

/**
 * The rollups the Influx sink writes (docs/energy.md): measurement `rollup`, tags site, meter, channel and
 * interval, timestamp the interval's start, and the record's other properties as fields, nested objects flattened
 * with `_` (`power_w_mean`, `cost_import`, `energy_source_import`, `periods_<period>_import_wh`). Period names come
 * from the tariffs, so the fields list them for a few example periods: a dashboard selects them by regex.
 */
export const ROLLUP_MEASUREMENT = 'rollup';
export const ROLLUP_TAGS: ReadonlySet<string> = new Set(['site', 'meter', 'channel', 'interval']);
const EXAMPLE_PERIODS = ['HP', 'HC', 'peak'];

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  patternProperties?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
}

function flatten(prefix: string, schema: JsonSchema): string[] {
  const object = schema.anyOf?.find((s) => s.type === 'object') ?? schema;
  if (object.properties) {
    return Object.entries(object.properties).flatMap(([k, s]) => flatten(prefix ? `${prefix}_${k}` : k, s));
  }
  const [record] = Object.values(object.patternProperties ?? {});
  if (record) return EXAMPLE_PERIODS.flatMap((p) => flatten(`${prefix}_${p}`, record));
  return [prefix];
}

export const ROLLUP_FIELDS: ReadonlySet<string> = new Set(
  flatten('', RollupSchema as JsonSchema).filter((f) => !ROLLUP_TAGS.has(f)),
);

/** What each measurement a dashboard may query holds. */
export const SCHEMAS = [
  { measurement: MEASUREMENT, fields: FIELDS, tags: TAGS },
  { measurement: ROLLUP_MEASUREMENT, fields: ROLLUP_FIELDS, tags: ROLLUP_TAGS },
] as const;
