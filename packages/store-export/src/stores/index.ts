import type { StoreConfig } from '../store-config.js';
import { CassandraReader } from './cassandra.js';
import { InfluxV1Reader } from './influx-v1.js';
import { InfluxV2Reader } from './influx-v2.js';
import type { StoreReader } from './store.js';

export type { StoreReader } from './store.js';

/** The reader for the store the config names. */
export function openReader(store: StoreConfig): StoreReader {
  switch (store.store) {
    case 'influx':
      return new InfluxV1Reader(store.config);
    case 'cassandra':
      return new CassandraReader(store.config);
    case 'influx2':
      return new InfluxV2Reader(store.config);
  }
}
