import { type Static, Type } from '@sinclair/typebox';
import { RetrySchema } from '../retry.js';

/** The `webhook` notifier's settings (`notify.webhook`). */
export const WebhookConfigSchema = Type.Object(
  {
    url: Type.String({ pattern: '^https?://', description: 'each alert change is POSTed here as JSON' }),
    headers: Type.Record(Type.String(), Type.String(), { default: {}, description: 'e.g. Authorization' }),
    timeout_ms: Type.Integer({ minimum: 1, default: 10_000 }),
    retry: RetrySchema,
  },
  { additionalProperties: false },
);
export type WebhookConfig = Static<typeof WebhookConfigSchema>;
