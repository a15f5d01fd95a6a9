import { buildRegistry } from '@wattbus/config/plugin';
import { cassandraSink } from './cassandra/index.js';
import { fileSink } from './file/index.js';
import { influxSink } from './influx/index.js';
import { influx2Sink } from './influx2/index.js';
import type { SinkDefinition } from './sink.js';

/** Every sink a worker can use, by its key under `sinks:` in the worker config. Add one line per sink. */
export const sinks: Readonly<Record<string, SinkDefinition>> = buildRegistry('sink', [
  fileSink,
  influxSink,
  influx2Sink,
  cassandraSink,
]);
