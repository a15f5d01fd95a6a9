export { CassandraSink } from './cassandra/cassandra-sink.js';
export { type CassandraConfig, CassandraConfigSchema } from './cassandra/config.js';
export { cassandraSink } from './cassandra/index.js';
export { type FileSinkConfig, FileSinkConfigSchema } from './file/config.js';
export { DailyFileSink, fileNameFor } from './file/daily-file-sink.js';
export { FORMATS, type FormatName } from './file/formats.js';
export { fileSink } from './file/index.js';
export { type InfluxV1Config, InfluxV1ConfigSchema, SiteTagsSetting } from './influx/config.js';
export { type InfluxCredentials, influxAuthHeaders } from './influx/http.js';
export { influxSink } from './influx/index.js';
export { influxRefusal, MEASUREMENT, toLine, toLines } from './influx/line-protocol.js';
export { InfluxV1Sink } from './influx/v1-sink.js';
export { type InfluxV2Config, InfluxV2ConfigSchema } from './influx2/config.js';
export { influx2Sink } from './influx2/index.js';
export { InfluxV2Sink } from './influx2/influx2-sink.js';
export { sinks } from './registry.js';
export {
  defineSink,
  NO_SITE_INFO,
  NO_SITE_TAGS,
  type Sink,
  type SinkContext,
  type SinkDefinition,
  SinkError,
} from './sink.js';
