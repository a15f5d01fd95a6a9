import { buildRegistry } from '@wattbus/config/plugin';
import { emailNotifier } from './email/index.js';
import { webhookNotifier } from './webhook/index.js';

/** Every notifier, by its key under `notify:`, in the order they are told. Add one line per notifier. */
export const notifiers = buildRegistry('notifier', [webhookNotifier, emailNotifier]);
