import { defineSink } from '../sink.js';
import { FileSinkConfigSchema } from './config.js';
import { DailyFileSink } from './daily-file-sink.js';

export const fileSink = defineSink({
  name: 'file',
  description: 'JSON lines and/or CSV, one file per UTC day',
  configSchema: FileSinkConfigSchema,
  create: (config) => new DailyFileSink(config),
});
