import { defineSink } from '../sink.js';
import { InfluxV2ConfigSchema } from './config.js';
import { InfluxV2Sink } from './influx2-sink.js';

export const influx2Sink = defineSink({
  name: 'influx2',
  description: 'InfluxDB 2.x native write API (org, bucket, token) through @influxdata/influxdb-client',
  configSchema: InfluxV2ConfigSchema,
  create: (config, context) => new InfluxV2Sink(config, context),
});
