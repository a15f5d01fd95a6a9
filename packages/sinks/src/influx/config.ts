import { type Static, Type } from '@sinclair/typebox';

export const InfluxV1ConfigSchema = Type.Object(
  {
    url: Type.String({ pattern: '^https?://', description: 'InfluxDB base URL, e.g. http://localhost:8086' }),
    database: Type.String({
      minLength: 1,
      default: 'wattbus',
      description: 'database (1.x) or DBRP-mapped bucket (2.x)',
    }),
    retention_policy: Type.Optional(Type.String({ minLength: 1 })),
    username: Type.Optional(Type.String({ description: 'InfluxDB 1.x user' })),
    password: Type.Optional(Type.String({ description: 'InfluxDB 1.x password; use ${ENV_VAR}' })),
    token: Type.Optional(Type.String({ description: 'InfluxDB 2.x/3.x token (sent as "Authorization: Token …")' })),
    create_database: Type.Boolean({ default: true, description: 'CREATE DATABASE on start (1.x only)' }),
    timeout_ms: Type.Integer({ minimum: 100, default: 10_000 }),
  },
  { additionalProperties: false },
);
export type InfluxV1Config = Static<typeof InfluxV1ConfigSchema>;
