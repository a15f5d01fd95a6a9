import { defineSink } from '../sink.js';
import { FileSinkConfigSchema } from './config.js';
import { JsonLinesSink } from './jsonl-sink.js';

export * from './config.js';
export * from './jsonl-sink.js';

export const fileSink = defineSink({
  name: 'file',
  description: 'JSON lines, one file per UTC day',
  configSchema: FileSinkConfigSchema,
  create: (config) => new JsonLinesSink(config),
});
