import { type Static, Type } from '@sinclair/typebox';

export const FileSinkConfigSchema = Type.Object(
  {
    dir: Type.String({
      minLength: 1,
      description: 'directory for readings-YYYY-MM-DD.jsonl files (UTC days)',
    }),
    fsync: Type.Boolean({ default: true, description: 'fsync each batch before acking it' }),
  },
  { additionalProperties: false },
);
export type FileSinkConfig = Static<typeof FileSinkConfigSchema>;
