import { type Static, Type } from '@sinclair/typebox';
import { RetrySchema } from '../retry.js';

const SmtpSchema = Type.Object(
  {
    host: Type.String({ minLength: 1 }),
    port: Type.Integer({ minimum: 1, maximum: 65_535, default: 587 }),
    secure: Type.Boolean({ default: false, description: 'TLS from the start (port 465); else STARTTLS if offered' }),
    require_tls: Type.Boolean({ default: false, description: 'refuse to send without STARTTLS' }),
    reject_unauthorized: Type.Boolean({ default: true }),
    ca: Type.Optional(Type.String({ description: "PEM file of the CA that signed the SMTP server's certificate" })),
    username: Type.Optional(Type.String()),
    password: Type.Optional(Type.String({ description: 'use ${ENV}' })),
  },
  { additionalProperties: false },
);

/** The `email` notifier's settings (`notify.email`). */
export const EmailConfigSchema = Type.Object(
  {
    smtp: SmtpSchema,
    from: Type.String({ minLength: 3 }),
    recipients: Type.Object(
      {
        default: Type.Array(Type.String(), { default: [], description: 'for sites not listed in sites' }),
        sites: Type.Record(Type.String(), Type.Array(Type.String()), { default: {} }),
      },
      { additionalProperties: false, default: {} },
    ),
    digest_s: Type.Number({
      minimum: 0,
      default: 300,
      description: 'changes are collected this long per recipient and sent as one mail',
    }),
    retry: RetrySchema,
  },
  { additionalProperties: false },
);
export type EmailConfig = Static<typeof EmailConfigSchema>;
