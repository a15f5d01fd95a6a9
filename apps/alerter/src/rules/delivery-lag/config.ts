import { type Static, Type } from '@sinclair/typebox';

/** The settings of the `delivery_lag` rule (`rules.delivery_lag`), with their defaults. */
export const DeliveryLagSettingsSchema = Type.Object(
  {
    max_lag_ms: Type.Integer({
      minimum: 1_000,
      default: 600_000,
      description:
        "raised when a site's oldest reading not yet covered by storage receipts is older than this (agents with delivery.receipts_from)",
    }),
  },
  { additionalProperties: false, default: {} },
);
export type DeliveryLagSettings = Static<typeof DeliveryLagSettingsSchema>;
