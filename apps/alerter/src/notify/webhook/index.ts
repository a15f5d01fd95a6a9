import { defineNotifier } from '../notifier.js';
import { WebhookConfigSchema } from './config.js';
import { WebhookNotifier } from './webhook.js';

export const webhookNotifier = defineNotifier({
  name: 'webhook',
  description: 'POSTs each alert change as JSON (the Alert payload), retried with exponential backoff',
  configSchema: WebhookConfigSchema,
  create: (config, { log }) => new WebhookNotifier(config, log),
});
