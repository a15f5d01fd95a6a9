import { defineSink } from '../sink.js';
import { InfluxV1ConfigSchema } from './config.js';
import { InfluxV1Sink } from './v1-sink.js';
import { InfluxV2ConfigSchema } from './v2-config.js';
import { InfluxV2Sink } from './v2-sink.js';

export * from './config.js';
export { type InfluxCredentials, influxAuthHeaders } from './http.js';
export * from './line-protocol.js';
export * from './v1-sink.js';
export * from './v2-config.js';
export * from './v2-sink.js';

export const influxSink = defineSink({
  name: 'influx',
  description: 'InfluxDB line protocol on /write (1.x; 2.x and 3.x through their v1-compatible API)',
  configSchema: InfluxV1ConfigSchema,
  create: (config, context) => new InfluxV1Sink(config, context),
});

export const influx2Sink = defineSink({
  name: 'influx2',
  description: 'InfluxDB 2.x native write API (org, bucket, token) through @influxdata/influxdb-client',
  configSchema: InfluxV2ConfigSchema,
  create: (config, context) => new InfluxV2Sink(config, context),
});
