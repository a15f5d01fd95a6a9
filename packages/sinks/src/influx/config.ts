import { type Static, Type } from '@sinclair/typebox';

/** The site info tags written on every point of the site; shared by both Influx sinks. */
export const SiteTagsSetting = Type.Array(Type.String({ pattern: '^[a-z][a-z0-9_]{0,31}$' }), {
  default: ['city', 'postcode'],
  uniqueItems: true,
  description:
    "keys of the site's info tags (its retained info message) written as tags of every point of the site, as " +
    "prior-art 001 tags its points; a key missing from a site's info is left out. A changed value starts a new " +
    "series from then on. The reading's own tags (site, meter, channel, role, labels) win over these.",
});

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
    site_tags: SiteTagsSetting,
  },
  { additionalProperties: false },
);
export type InfluxV1Config = Static<typeof InfluxV1ConfigSchema>;
