import { cassandraSink } from './cassandra/index.js';
import { fileSink } from './file/index.js';
import { influx2Sink, influxSink } from './influx/index.js';
import type { SinkDefinition } from './sink.js';

/** Every sink a worker can use, by its key under `sinks:` in the worker config. Add one line per sink. */
export const sinks: Record<string, SinkDefinition> = {
  [fileSink.name]: fileSink,
  [influxSink.name]: influxSink,
  [influx2Sink.name]: influx2Sink,
  [cassandraSink.name]: cassandraSink,
};
