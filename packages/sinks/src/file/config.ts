import { type Static, Type } from '@sinclair/typebox';

export const FileSinkConfigSchema = Type.Object(
  {
    dir: Type.String({
      minLength: 1,
      description: 'directory for readings-YYYY-MM-DD.<format> files, one per UTC day of the readings',
    }),
    formats: Type.Array(Type.Union([Type.Literal('jsonl'), Type.Literal('csv')]), {
      minItems: 1,
      uniqueItems: true,
      default: ['jsonl'],
      description: 'jsonl: contract Readings; csv: one row per value, for spreadsheets and analysis',
    }),
    fsync: Type.Boolean({ default: true, description: 'fsync each batch before acking it' }),
  },
  { additionalProperties: false },
);
export type FileSinkConfig = Static<typeof FileSinkConfigSchema>;
