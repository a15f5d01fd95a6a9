import { defineSink } from '../sink.js';
import { InfluxV1ConfigSchema } from './config.js';
import { InfluxV1Sink } from './v1-sink.js';

export const influxSink = defineSink({
  name: 'influx',
  description: 'InfluxDB line protocol on /write (1.x; 2.x and 3.x through their v1-compatible API)',
  configSchema: InfluxV1ConfigSchema,
  create: (config, context) => new InfluxV1Sink(config, context),
});
