import { readFileSync } from 'node:fs';
import { type Static, Type } from '@sinclair/typebox';
import { ConfigError, parseConfig } from '@wattbus/config';
import { CassandraConfigSchema, InfluxV1ConfigSchema, InfluxV2ConfigSchema } from '@wattbus/sinks';
import { Document, parseDocument } from 'yaml';
import { usageError } from './errors.js';

/** The stores an export can read, by their key under `sinks:`: the sink worker's own config schemas. */
const StoresSchema = Type.Object(
  {
    sinks: Type.Object(
      {
        influx: Type.Optional(InfluxV1ConfigSchema),
        influx2: Type.Optional(InfluxV2ConfigSchema),
        cassandra: Type.Optional(CassandraConfigSchema),
      },
      // the file sink and any other sink are the worker's business
      { additionalProperties: true },
    ),
  },
  { additionalProperties: true },
);

export const STORE_NAMES = ['influx', 'influx2', 'cassandra'] as const;
export type StoreName = (typeof STORE_NAMES)[number];

export type StoreConfig =
  | { store: 'influx'; config: Static<typeof InfluxV1ConfigSchema> }
  | { store: 'influx2'; config: Static<typeof InfluxV2ConfigSchema> }
  | { store: 'cassandra'; config: Static<typeof CassandraConfigSchema> };

/**
 * The store's settings from the sink worker's config file: only its `sinks:` section is read (and only that
 * section's `${VAR}`s must be set: an export needs no MQTT password), validated by the sinks' own schemas.
 * With several stores configured, `store` picks one.
 */
export function loadStoreConfig(file: string, store: string | undefined): StoreConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw usageError(`cannot read config ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const doc = parseDocument(text);
  const only = new Document({});
  only.set('sinks', doc.get('sinks', true) ?? {});
  let sinks: Static<typeof StoresSchema>['sinks'];
  try {
    ({ sinks } = parseConfig(doc.errors.length > 0 ? text : only.toString(), StoresSchema, { source: file }));
  } catch (err) {
    if (err instanceof ConfigError) throw usageError(err.message);
    throw err;
  }
  const present = STORE_NAMES.filter((name) => sinks[name] !== undefined);
  if (store !== undefined && !(STORE_NAMES as readonly string[]).includes(store)) {
    throw usageError(`--store: expected one of ${STORE_NAMES.join(', ')} (got "${store}")`);
  }
  const chosen = (store ?? (present.length === 1 ? present[0] : undefined)) as StoreName | undefined;
  if (chosen === undefined) {
    throw usageError(
      present.length === 0
        ? `${file}: no store to read under sinks: (expected one of ${STORE_NAMES.join(', ')})`
        : `${file} configures ${present.join(' and ')}: choose one with --store`,
    );
  }
  const config = sinks[chosen];
  if (config === undefined) throw usageError(`${file}: sinks.${chosen} is not configured`);
  return { store: chosen, config } as StoreConfig;
}
