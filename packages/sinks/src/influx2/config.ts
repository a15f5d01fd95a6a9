import { type Static, Type } from '@sinclair/typebox';
import { SiteTagsSetting } from '../influx/config.js';

export const InfluxV2ConfigSchema = Type.Object(
  {
    url: Type.String({ pattern: '^https?://', description: 'InfluxDB 2.x base URL, e.g. http://localhost:8086' }),
    org: Type.String({ minLength: 1 }),
    bucket: Type.String({ minLength: 1 }),
    token: Type.String({ minLength: 1, description: 'an API token with write access to the bucket; use ${ENV_VAR}' }),
    timeout_ms: Type.Integer({ minimum: 100, default: 10_000 }),
    site_tags: SiteTagsSetting,
  },
  { additionalProperties: false },
);
export type InfluxV2Config = Static<typeof InfluxV2ConfigSchema>;
