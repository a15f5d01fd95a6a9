import { Type } from '@sinclair/typebox';
import { defineRule } from '../definition.js';
import { DeliveryLagSettingsSchema } from './config.js';
import { DeliveryLagRule } from './delivery-lag.js';

export const deliveryLagRule = defineRule({
  name: 'delivery_lag',
  description:
    "A site's oldest reading not yet covered by storage receipts is older than max_lag_ms (from the agent's retained status).",
  configSchema: DeliveryLagSettingsSchema,
  // Judged per site from the agent's status: an override naming this rule would be ignored, so none is accepted.
  overrideSchema: Type.Object({}, { additionalProperties: false }),
  create: (settings) => new DeliveryLagRule({ maxLagMs: settings.max_lag_ms }),
});
